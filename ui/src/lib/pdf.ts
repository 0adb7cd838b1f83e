// pdf.js, set up once: the worker comes from this app's own files (no CDN, the app is
// offline) and nothing is evaluated from strings (the desktop shell's CSP has no
// 'unsafe-eval'). Imported lazily by the preview, so pdf.js is loaded only when a
// document is shown.

import { GlobalWorkerOptions, getDocument, type PDFDocumentLoadingTask } from 'pdfjs-dist'
import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url'

GlobalWorkerOptions.workerSrc = workerUrl

export type { PDFDocumentProxy, PDFPageProxy, RenderTask } from 'pdfjs-dist'

/** Starts reading a PDF from its bytes. pdf.js hands the buffer to its worker, so pass a copy
 *  if the caller still needs the bytes. `destroy()` the task to stop and free it. */
export function loadPdf(bytes: Uint8Array): PDFDocumentLoadingTask {
  return getDocument({
    data: bytes,
    isEvalSupported: false,
    // Our documents embed their fonts; nothing is fetched from elsewhere.
    useSystemFonts: false,
    stopAtErrors: false,
  })
}
