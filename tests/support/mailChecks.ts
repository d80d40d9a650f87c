// Reading what an email carries, independently of how it was made: the order
// link in the text, the QR codes of the inline images (decoded with jsQR),
// and the PDF's pages and their text (parsed with Mozilla's pdf.js).
import jsQR from 'jsqr';
import type { ParsedMail } from 'mailparser';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { PNG } from 'pngjs';

/** The `/orders/:id?key=…` links in the plain-text part. */
export function orderLinksIn(mail: ParsedMail): URL[] {
  const text = mail.text ?? '';
  return [...text.matchAll(/https?:\/\/\S+\/orders\/[A-Za-z0-9_-]+\?key=[A-Za-z0-9._%-]+/g)].map((m) => new URL(m[0]));
}

/** The text a QR code image (PNG) encodes, or null if none can be read. */
export function decodeQrPng(png: Buffer): string | null {
  const image = PNG.sync.read(png);
  const code = jsQR(new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.byteLength), image.width, image.height);
  return code?.data ?? null;
}

/** Inline images (cid) of the HTML part: cid → the text their QR code holds. */
export function inlineQrCodes(mail: ParsedMail): Map<string, string | null> {
  const codes = new Map<string, string | null>();
  for (const a of mail.attachments) {
    if (a.cid && a.contentType === 'image/png') codes.set(a.cid, decodeQrPng(a.content));
  }
  return codes;
}

export function pdfAttachments(mail: ParsedMail): Buffer[] {
  return mail.attachments.filter((a) => a.contentType === 'application/pdf').map((a) => a.content);
}

/** Parses a PDF: its page count and the text of each page. Throws if it is not a readable PDF. */
export async function readPdf(bytes: Buffer): Promise<{ pages: string[] }> {
  const doc = await getDocument({ data: new Uint8Array(bytes), useSystemFonts: false, isEvalSupported: false, verbosity: 0 }).promise;
  try {
    const pages: string[] = [];
    for (let n = 1; n <= doc.numPages; n++) {
      const page = await doc.getPage(n);
      const content = await page.getTextContent();
      pages.push(content.items.map((item) => ('str' in item ? item.str : '')).join(' ').replace(/\s+/g, ' '));
    }
    return { pages };
  } finally {
    await doc.destroy();
  }
}
