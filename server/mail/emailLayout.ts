// The HTML frame of every Seatline email: tables and inline styles, because
// that is what mail clients render consistently. Callers pass already-escaped
// HTML (see esc in mailText.ts).
import { esc } from './mailText';

const FONT = `system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif`;
export const COLORS = {
  text: '#111827',
  muted: '#5b6472',
  border: '#e2e5ea',
  primary: '#1e3a8a',
  success: '#15803d',
  danger: '#b42318',
  dangerSoft: '#fdecea',
  warningSoft: '#fdf3e1',
};

export interface EmailFrame {
  /** Shown by mail clients next to the subject. */
  preheader: string;
  /** The inner HTML of the white card. */
  body: string;
  /** Absolute URL of the "Find my tickets" page, for the footer. */
  findTicketsUrl: string;
}

export function emailHtml({ preheader, body, findTicketsUrl }: EmailFrame): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>Seatline</title>
</head>
<body style="margin:0;padding:0;background:#f5f6f8;color:${COLORS.text};font-family:${FONT};font-size:15px;line-height:1.5;">
<div style="display:none;max-height:0;overflow:hidden;opacity:0;">${esc(preheader)}</div>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f5f6f8;">
<tr><td align="center" style="padding:24px 12px;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:600px;">
<tr><td style="padding:0 4px 14px;font-size:18px;font-weight:700;letter-spacing:-0.02em;color:${COLORS.text};">
<span style="display:inline-block;width:26px;height:26px;border-radius:7px;background:${COLORS.primary};vertical-align:middle;margin-right:8px;"></span><span style="vertical-align:middle;">Seatline</span>
</td></tr>
<tr><td style="background:#ffffff;border:1px solid ${COLORS.border};border-radius:12px;padding:28px 24px;">
${body}
</td></tr>
<tr><td style="padding:16px 4px;color:${COLORS.muted};font-size:12px;">
Lost this email later? Get a fresh link to every order of your address at <a href="${esc(findTicketsUrl)}" style="color:${COLORS.primary};">Find my tickets</a>.<br>
You get this email because tickets were bought with this address on Seatline.
</td></tr>
</table>
</td></tr>
</table>
</body>
</html>`;
}

export function heading(text: string, color = COLORS.text): string {
  return `<h1 style="margin:0 0 6px;font-size:22px;line-height:1.25;color:${color};">${esc(text)}</h1>`;
}

export function paragraph(html: string, muted = false): string {
  return `<p style="margin:0 0 14px;${muted ? `color:${COLORS.muted};` : ''}">${html}</p>`;
}

export function button(href: string, text: string): string {
  return `<p style="margin:18px 0;"><a href="${esc(href)}" style="display:inline-block;background:${COLORS.primary};color:#ffffff;padding:12px 20px;border-radius:8px;font-weight:600;text-decoration:none;">${esc(text)}</a></p>`;
}

/** A notice box (e.g. what was cancelled). */
export function notice(html: string, tone: 'danger' | 'warning'): string {
  const background = tone === 'danger' ? COLORS.dangerSoft : COLORS.warningSoft;
  return `<div style="margin:0 0 16px;padding:12px 14px;border-radius:8px;background:${background};">${html}</div>`;
}

/** Two-column facts: label on the left, value on the right. */
export function factsTable(rows: [string, string][]): string {
  const cells = rows
    .map(
      ([label, valueHtml]) =>
        `<tr><td style="padding:6px 12px 6px 0;color:${COLORS.muted};font-size:13px;vertical-align:top;white-space:nowrap;">${esc(label)}</td><td style="padding:6px 0;font-weight:600;vertical-align:top;">${valueHtml}</td></tr>`,
    )
    .join('');
  return `<table role="presentation" cellpadding="0" cellspacing="0" style="margin:8px 0 4px;border-top:1px solid ${COLORS.border};padding-top:8px;width:100%;">${cells}</table>`;
}
