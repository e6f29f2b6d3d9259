/** Served by server/trustedDocuments.ts: contract operation name -> the document to send. */
declare module 'virtual:contract-operations' {
  export const operations: Record<string, string>;
}
