//! Outgoing email: through SMTP when `mail.smtp_url` is set, otherwise written to the log
//! (so a development machine still shows every link it would have sent).

use anyhow::Context as _;
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use secrecy::ExposeSecret;
use shared::email::Email;
use tracing::instrument;

use crate::config::MailSettings;

pub struct OutgoingMail {
    pub to: Email,
    pub subject: String,
    pub body: String,
}

pub enum Mailer {
    Smtp(Box<Smtp>),
    Log,
}

pub struct Smtp {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Mailer {
    pub fn from_settings(settings: &MailSettings) -> anyhow::Result<Self> {
        let Some(url) = &settings.smtp_url else {
            return Ok(Self::Log);
        };
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose_secret())
            .context("mail.smtp_url is not a valid SMTP URL")?
            .build();
        let from = settings
            .from
            .as_deref()
            .unwrap_or("Atrium <no-reply@atrium.localhost>")
            .parse()
            .context("mail.from is not a valid mailbox")?;
        Ok(Self::Smtp(Box::new(Smtp { transport, from })))
    }

    pub fn is_smtp(&self) -> bool {
        matches!(self, Self::Smtp(_))
    }

    /// Sends (or logs) a message. Returns whether it went out by SMTP. A failed delivery is
    /// logged and reported as not sent rather than failing the action that triggered it.
    #[instrument(skip_all, fields(to = %mail.to))]
    pub async fn send(&self, mail: OutgoingMail) -> bool {
        match self {
            Self::Log => {
                tracing::info!(to = %mail.to, subject = %mail.subject, body = %mail.body, "email (SMTP not configured)");
                false
            }
            Self::Smtp(smtp) => {
                let Smtp { transport, from } = smtp.as_ref();
                let result = async {
                    let to: Mailbox = mail.to.as_str().parse().context("recipient")?;
                    let message = lettre::Message::builder()
                        .from(from.clone())
                        .to(to)
                        .subject(mail.subject)
                        .body(mail.body)
                        .context("building the message")?;
                    transport.send(message).await.context("SMTP delivery")?;
                    anyhow::Ok(())
                }
                .await;
                match result {
                    Ok(()) => true,
                    Err(err) => {
                        tracing::warn!(error = format!("{err:#}"), "email not sent");
                        metrics::counter!("atrium_email_failures_total").increment(1);
                        false
                    }
                }
            }
        }
    }
}
