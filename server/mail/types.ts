// Shapes shared by the mail modules.

export interface MailAttachment {
  filename: string;
  content: Buffer;
  contentType: string;
  /** Set for inline images referenced from the HTML as cid:… */
  cid?: string;
  contentDisposition?: 'inline' | 'attachment';
}

/** A rendered email, before the sender adds From, To and the Message-ID. */
export interface ComposedMail {
  subject: string;
  text: string;
  html: string;
  attachments: MailAttachment[];
}


