//! Outgoing mail (the password-reset link): through SMTP when `DAVOMAT_SMTP_URL` is
//! set, otherwise written to the server log.

use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

#[derive(Clone)]
pub enum Mailer {
    /// No SMTP server: the message goes to the log.
    Log,
    Smtp {
        transport: Box<AsyncSmtpTransport<Tokio1Executor>>,
        from: Mailbox,
    },
}

impl Mailer {
    /// An SMTP mailer for `smtp://host:port` (or `smtps://`, with credentials in the URL).
    pub fn smtp(url: &str, from: &str) -> Result<Mailer, String> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| format!("invalid SMTP URL: {e}"))?
            .build();
        let from = from
            .parse::<Mailbox>()
            .map_err(|e| format!("invalid sender address {from:?}: {e}"))?;
        Ok(Mailer::Smtp {
            transport: Box::new(transport),
            from,
        })
    }

    /// Sends a plain-text message, or logs it.
    pub async fn send(&self, to: &str, subject: &str, text: &str) -> Result<(), String> {
        match self {
            Mailer::Log => {
                tracing::info!(
                    to,
                    subject,
                    text,
                    "mail not sent (no DAVOMAT_SMTP_URL); its text follows"
                );
                Ok(())
            }
            Mailer::Smtp { transport, from } => {
                let to = to
                    .parse::<Mailbox>()
                    .map_err(|e| format!("invalid recipient: {e}"))?;
                let message = Message::builder()
                    .from(from.clone())
                    .to(to)
                    .subject(subject)
                    .singlepart(lettre::message::SinglePart::plain(text.to_string()))
                    .map_err(|e| format!("could not build the message: {e}"))?;
                transport
                    .send(message)
                    .await
                    .map(|_| ())
                    .map_err(|e| format!("SMTP delivery failed: {e}"))
            }
        }
    }
}
