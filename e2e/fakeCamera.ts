// A video file for Chromium's fake camera (--use-file-for-fake-video-capture):
// a QR code of the given text on a white frame, as raw YUV 4:2:0 in a Y4M
// container (a text header, then "FRAME\n" + the Y, U and V planes per frame).
import { writeFileSync } from 'node:fs';
import QRCode from 'qrcode';

export function writeQrVideo(path: string, text: string, { width = 640, height = 480, moduleSize = 10, frames = 10 } = {}): void {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  const side = n * moduleSize;
  if (side + 8 * moduleSize > Math.min(width, height)) throw new Error(`QR of ${n} modules does not fit a ${width}×${height} frame`);
  const left = Math.floor((width - side) / 2);
  const top = Math.floor((height - side) / 2);
  const luma = Buffer.alloc(width * height, 255); // white; the quiet zone is the frame itself
  for (let row = 0; row < n; row++) {
    for (let col = 0; col < n; col++) {
      if (!qr.modules.get(row, col)) continue;
      for (let y = 0; y < moduleSize; y++) luma.fill(0, (top + row * moduleSize + y) * width + left + col * moduleSize, (top + row * moduleSize + y) * width + left + (col + 1) * moduleSize);
    }
  }
  const chroma = Buffer.alloc((width / 2) * (height / 2) * 2, 128); // U and V: no colour
  const frame = Buffer.concat([Buffer.from('FRAME\n'), luma, chroma]);
  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`);
  writeFileSync(path, Buffer.concat([header, ...Array.from({ length: frames }, () => frame)]));
}
