//! `redress health`: asks a server's standard gRPC health service whether it is serving.
//! Exit 0 when SERVING, 1 otherwise; used by container health checks and scripts.

use anyhow::{bail, Context, Result};
use clap::Args;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;
use tonic_health::pb::HealthCheckRequest;

#[derive(Debug, Args)]
pub struct HealthArgs {
    /// Server address.
    #[arg(long, env = "REDRESS_SERVER", default_value = "http://127.0.0.1:50051")]
    server: String,
    /// A service name; empty for the server as a whole.
    #[arg(long, default_value = "")]
    service: String,
}

pub async fn run(args: HealthArgs) -> Result<()> {
    let channel = tonic::transport::Endpoint::from_shared(args.server.clone())
        .with_context(|| format!("{:?} is not a server address", args.server))?
        .connect_timeout(std::time::Duration::from_secs(3))
        .timeout(std::time::Duration::from_secs(3))
        .connect()
        .await
        .with_context(|| format!("cannot reach {}", args.server))?;
    let status = HealthClient::new(channel)
        .check(HealthCheckRequest {
            service: args.service,
        })
        .await
        .context("health check failed")?
        .into_inner()
        .status();
    println!("{}", status.as_str_name());
    if status != ServingStatus::Serving {
        bail!("server is not serving");
    }
    Ok(())
}
