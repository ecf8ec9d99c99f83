/**
 * The details page an alert e-mail's link leads to, as a person opens it: the link from the
 * e-mail's text, then the page's "Show details" button (POST `<link>/details`). E-mails carry a
 * notice only; above it, this page is the only way to the details, and each opening is audited.
 */
export async function alertDetails(email: { text?: string }): Promise<string> {
  const link = /Acknowledge: (\S+)/.exec(email.text ?? '')?.[1];
  if (link === undefined) throw new Error('the e-mail has no acknowledgement link');
  const response = await fetch(`${link}/details`, { method: 'POST' });
  const html = await response.text();
  if (response.status !== 200) {
    throw new Error(`the details page answered ${response.status}`);
  }
  return html;
}
