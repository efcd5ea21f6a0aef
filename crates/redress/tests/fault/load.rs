//! A load generator that keeps a ledger: clients spread complaint commands over every
//! replica, and each command the server acknowledged (an OK answer) is recorded with its
//! request id. A command whose replica died under it is retried on the next replica with the
//! same request id, as a real client would; the store's idempotency makes that safe, and the
//! checks prove it.

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use redress_api::pb;
use redress_api::pb::complaint_service_client::ComplaintServiceClient;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tonic::service::interceptor::InterceptedService;
use tonic::transport::Channel;
use tonic::{Code, Request, Response, Status};

/// Adds the bearer token to every call.
#[derive(Clone)]
pub struct Bearer(pub tonic::metadata::MetadataValue<tonic::metadata::Ascii>);

impl tonic::service::Interceptor for Bearer {
    fn call(&mut self, mut request: Request<()>) -> Result<Request<()>, Status> {
        request
            .metadata_mut()
            .insert("authorization", self.0.clone());
        Ok(request)
    }
}

pub type Client = ComplaintServiceClient<InterceptedService<Channel, Bearer>>;

/// A command the server answered OK.
#[derive(Debug, Clone)]
pub struct Ack {
    pub complaint_id: String,
    pub request_id: String,
}

impl Ack {
    /// The store's idempotency key for this command.
    pub fn command_id(&self) -> String {
        format!("complaints/{}/{}", self.complaint_id, self.request_id)
    }
}

/// What the load generator saw.
#[derive(Debug, Default)]
pub struct Ledger {
    pub acks: Vec<Ack>,
    /// Calls retried on another replica after a transport failure or UNAVAILABLE.
    pub retries: u64,
    /// Commands given up after every retry (never acknowledged, so never promised).
    pub abandoned: u64,
    /// Answers that were neither OK nor a fault of the system under test: bugs.
    pub refused: Vec<String>,
}

/// Counts acknowledged commands while the load runs.
#[derive(Debug, Default)]
pub struct Progress {
    pub acked: AtomicU64,
}

/// Running load; [`Load::finish`] stops it and returns the ledger.
pub struct Load {
    stop: watch::Sender<bool>,
    workers: Vec<JoinHandle<Ledger>>,
    pub progress: Arc<Progress>,
}

impl Load {
    /// `clients` concurrent clients, each starting at a different replica.
    pub fn start(clients: usize, replicas: Vec<Client>) -> Load {
        let (stop, stopped) = watch::channel(false);
        let progress = Arc::new(Progress::default());
        let workers = (0..clients)
            .map(|n| {
                let worker = Worker {
                    clients: replicas.clone(),
                    next: n,
                    prefix: format!("fault{n}-{}", uuid::Uuid::now_v7().simple()),
                    seq: 0,
                    ledger: Ledger::default(),
                    progress: progress.clone(),
                };
                tokio::spawn(worker.run(stopped.clone()))
            })
            .collect();
        Load {
            stop,
            workers,
            progress,
        }
    }

    pub fn acked(&self) -> u64 {
        self.progress.acked.load(Ordering::Relaxed)
    }

    pub async fn finish(self) -> Ledger {
        let _ = self.stop.send(true);
        let mut all = Ledger::default();
        for worker in self.workers {
            let ledger = worker.await.expect("load worker panicked");
            all.acks.extend(ledger.acks);
            all.retries += ledger.retries;
            all.abandoned += ledger.abandoned;
            all.refused.extend(ledger.refused);
        }
        all
    }
}

struct Worker {
    clients: Vec<Client>,
    next: usize,
    prefix: String,
    seq: u64,
    ledger: Ledger,
    progress: Arc<Progress>,
}

/// Faults of the system under test, worth retrying elsewhere (the replica died, restarted,
/// or lost its database for a moment).
fn retryable(status: &Status) -> bool {
    matches!(
        status.code(),
        Code::Unavailable | Code::Unknown | Code::Cancelled | Code::DeadlineExceeded
    )
}

impl Worker {
    async fn run(mut self, stop: watch::Receiver<bool>) -> Ledger {
        while !*stop.borrow() {
            self.seq += 1;
            let id = format!("{}-{}", self.prefix, self.seq);
            let receive = pb::ReceiveComplaintRequest {
                complaint_id: id.clone(),
                request_id: uuid::Uuid::now_v7().to_string(),
                receive_time: Some(SystemTime::now().into()),
                channel: pb::Channel::Phone.into(),
                categories: vec!["payment_delay".into()],
                team: "crt-leeds".into(),
                region: pb::Region::EnglandAndWales.into(),
                flags: None,
                complainant: Some(pb::ComplainantDetails {
                    display_name: "Fault Test Complainant".into(),
                    phone: "01130000000".into(),
                    preferred_contact: pb::ContactMethod::Phone.into(),
                    ..Default::default()
                }),
            };
            let rid = receive.request_id.clone();
            if !self
                .send(&id, rid, receive, |mut c, r| async move {
                    c.receive_complaint(r).await
                })
                .await
            {
                continue;
            }
            let step = pb::RecordInvestigationStepRequest {
                name: format!("complaints/{id}"),
                request_id: uuid::Uuid::now_v7().to_string(),
                step: pb::InvestigationStepKind::SystemsEvidenceGathered.into(),
                evidence_id: "e1".into(),
                description: "payment history".into(),
                validated: true,
                ..Default::default()
            };
            let rid = step.request_id.clone();
            self.send(&id, rid, step, |mut c, r| async move {
                c.record_investigation_step(r).await
            })
            .await;
        }
        self.ledger
    }

    /// Sends `request` (retrying the same request id on the next replica after a fault)
    /// and records it if acknowledged.
    async fn send<Req, Resp, F, Fut>(
        &mut self,
        complaint_id: &str,
        request_id: String,
        request: Req,
        call: F,
    ) -> bool
    where
        Req: Clone,
        F: Fn(Client, Req) -> Fut,
        Fut: Future<Output = Result<Response<Resp>, Status>>,
    {
        for attempt in 0..60 {
            let client = self.clients[self.next % self.clients.len()].clone();
            self.next += 1;
            match call(client, request.clone()).await {
                Ok(_) => {
                    self.ledger.acks.push(Ack {
                        complaint_id: complaint_id.to_owned(),
                        request_id,
                    });
                    self.progress.acked.fetch_add(1, Ordering::Relaxed);
                    return true;
                }
                Err(status) if retryable(&status) => {
                    self.ledger.retries += 1;
                    tokio::time::sleep(Duration::from_millis(100 + 20 * attempt)).await;
                }
                Err(status) => {
                    self.ledger
                        .refused
                        .push(format!("{:?}: {}", status.code(), status.message()));
                    return false;
                }
            }
        }
        self.ledger.abandoned += 1;
        false
    }
}
