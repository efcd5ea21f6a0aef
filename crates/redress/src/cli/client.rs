//! What every client subcommand shares: connecting to `--server` with the bearer token from
//! `REDRESS_TOKEN`, and turning a refusal into a message a case manager can act on (the
//! reason and the field at fault, not a debug dump).

use anyhow::{Context, Result};
use clap::Args;
use tonic::metadata::MetadataValue;
use tonic::service::interceptor::InterceptedService;
use tonic::transport::{Channel, Endpoint};
use tonic::{Request, Status};
use tonic_types::StatusExt;

/// Connection options of every client subcommand.
#[derive(Debug, Clone, Args)]
pub struct ClientArgs {
    /// Server address.
    #[arg(
        long,
        env = "REDRESS_SERVER",
        default_value = "http://127.0.0.1:50051",
        global = true
    )]
    pub server: String,
    /// Bearer token (mint one with `redress token`).
    #[arg(long, env = "REDRESS_TOKEN", hide_env_values = true, global = true)]
    pub token: Option<String>,
    /// Print JSON instead of a table.
    #[arg(long, global = true)]
    pub json: bool,
}

/// Adds the bearer token to every call.
#[derive(Debug, Clone)]
pub struct Bearer(Option<MetadataValue<tonic::metadata::Ascii>>);

impl tonic::service::Interceptor for Bearer {
    fn call(&mut self, mut request: Request<()>) -> Result<Request<()>, Status> {
        if let Some(value) = &self.0 {
            request
                .metadata_mut()
                .insert("authorization", value.clone());
        }
        Ok(request)
    }
}

pub type AuthedChannel = InterceptedService<Channel, Bearer>;

pub async fn connect(args: &ClientArgs) -> Result<AuthedChannel> {
    let endpoint = Endpoint::from_shared(args.server.clone())
        .with_context(|| {
            format!(
                "{:?} is not a server address like http://host:port",
                args.server
            )
        })?
        .connect_timeout(std::time::Duration::from_secs(5))
        .timeout(std::time::Duration::from_secs(30));
    let channel = endpoint
        .connect()
        .await
        .with_context(|| format!("cannot reach the Redress server at {}", args.server))?;
    let token = match &args.token {
        Some(t) => Some(
            format!("Bearer {}", t.trim())
                .parse()
                .context("REDRESS_TOKEN contains characters a token cannot have")?,
        ),
        None => None,
    };
    Ok(InterceptedService::new(channel, Bearer(token)))
}

/// A server refusal, rendered for a person: code, message, reason, fields at fault.
pub fn describe(status: &Status) -> String {
    let details = status.get_error_details();
    let mut out = format!("{:?}: {}", status.code(), status.message());
    if let Some(info) = details.error_info() {
        out.push_str(&format!(" [{}]", info.reason));
    }
    if let Some(bad) = details.bad_request() {
        for v in &bad.field_violations {
            out.push_str(&format!("\n  field {}: {}", v.field, v.description));
        }
    }
    out
}

/// Maps a failed call to an error carrying the rendered refusal.
pub fn refused(status: Status) -> anyhow::Error {
    anyhow::anyhow!(describe(&status))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describes_reason_and_field() {
        let status = redress_api::invalid_argument("received_at", "received_at is in the future");
        let text = describe(&status);
        assert!(text.contains("InvalidArgument"), "{text}");
        assert!(text.contains("[INVALID_ARGUMENT]"), "{text}");
        assert!(text.contains("field received_at"), "{text}");
    }
}
