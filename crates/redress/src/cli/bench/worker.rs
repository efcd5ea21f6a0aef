//! One bench client: its own connection and its own complaints (so no two clients fight
//! over an etag), taking one operation of the mix per step and timing every RPC.

use std::collections::VecDeque;
use std::time::{Duration, SystemTime};

use anyhow::Result;
use redress_api::pb;
use redress_api::pb::complaint_service_client::ComplaintServiceClient;
use redress_api::pb::reporting_service_client::ReportingServiceClient;

use super::mix::{pick, Mix, Op, Rng};
use super::stats::{timed, Stats};
use super::BenchArgs;
use crate::cli::client::{self, AuthedChannel};
use crate::cli::input::fresh_request_id;

#[derive(Debug)]
pub struct Worker {
    client: ComplaintServiceClient<AuthedChannel>,
    reporting: ReportingServiceClient<AuthedChannel>,
    team: String,
    mix: Mix,
    rng: Rng,
    /// Prefix of this client's complaint ids, unique per run, level and client.
    prefix: String,
    next_id: u64,
    received: VecDeque<String>,
    contacted: VecDeque<String>,
    all: Vec<String>,
    /// What this client measured.
    pub stats: Stats,
}

impl Worker {
    /// Client `c` of a level of `clients`, connected (before the level's clock starts).
    pub async fn connect(args: &BenchArgs, clients: u32, c: u32, run_id: &str) -> Result<Worker> {
        let channel = client::connect(&args.client).await?;
        Ok(Worker {
            client: ComplaintServiceClient::new(channel.clone())
                .max_decoding_message_size(64 * 1024 * 1024),
            reporting: ReportingServiceClient::new(channel),
            team: args.team.clone(),
            mix: args.mix,
            rng: Rng::new(u64::from(c) + 1 + u64::from(clients) * 7919),
            prefix: format!("bench-{run_id}-{clients}-{c}"),
            next_id: 0,
            received: VecDeque::new(),
            contacted: VecDeque::new(),
            all: Vec::new(),
            stats: Stats::default(),
        })
    }

    /// One operation of the mix, falling back to the step before when it has nothing to
    /// work on.
    pub async fn step(&mut self) {
        let mut op = pick(&self.mix, &mut self.rng);
        if op == Op::Outcome && self.contacted.is_empty() {
            op = Op::Contact;
        }
        if op == Op::Contact && self.received.is_empty() {
            op = Op::Receive;
        }
        if op == Op::Read && self.all.is_empty() {
            op = Op::Receive;
        }
        match op {
            Op::Receive => self.receive().await,
            Op::Contact => {
                if let Some(name) = self.received.pop_front() {
                    self.contact(name).await;
                }
            }
            Op::Outcome => {
                if let Some(name) = self.contacted.pop_front() {
                    self.outcome(name).await;
                }
            }
            Op::Read => {
                let i = self.rng.below(self.all.len() as u64) as usize;
                if let Some(name) = self.all.get(i).cloned() {
                    self.read(&name).await;
                }
            }
        }
    }

    /// A new complaint, received ten minutes ago.
    async fn receive(&mut self) {
        self.next_id += 1;
        let id = format!("{}-{}", self.prefix, self.next_id);
        let received = SystemTime::now() - Duration::from_secs(600);
        let request = pb::ReceiveComplaintRequest {
            complaint_id: id.clone(),
            request_id: fresh_request_id(),
            receive_time: Some(received.into()),
            channel: pb::Channel::Phone.into(),
            categories: vec!["payment_delay".into()],
            team: self.team.clone(),
            region: pb::Region::EnglandAndWales.into(),
            flags: None,
            complainant: Some(pb::ComplainantDetails {
                display_name: "Bench Complainant".into(),
                phone: "01130000000".into(),
                preferred_contact: pb::ContactMethod::Phone.into(),
                ..Default::default()
            }),
        };
        let call = self.client.receive_complaint(request);
        if timed(&mut self.stats, "ReceiveComplaint", call)
            .await
            .is_some()
        {
            let name = format!("complaints/{id}");
            self.received.push_back(name.clone());
            self.all.push(name);
        }
    }

    /// Validated evidence, then the initial contact; stops at the first refusal.
    async fn contact(&mut self, name: String) -> Option<()> {
        let call = self
            .client
            .record_investigation_step(pb::RecordInvestigationStepRequest {
                name: name.clone(),
                request_id: fresh_request_id(),
                step: pb::InvestigationStepKind::SystemsEvidenceGathered.into(),
                evidence_id: "e1".into(),
                description: "payment history".into(),
                validated: true,
                ..Default::default()
            });
        timed(&mut self.stats, "RecordInvestigationStep", call).await?;
        let call = self
            .client
            .record_initial_contact(pb::RecordInitialContactRequest {
                name: name.clone(),
                request_id: fresh_request_id(),
                method: pb::ContactMethod::Phone.into(),
                issues: vec![pb::ComplaintIssue {
                    issue_id: "i1".into(),
                    summary: "payment was late".into(),
                }],
                resolution_sought: "pay what is owed".into(),
                ..Default::default()
            });
        timed(&mut self.stats, "RecordInitialContact", call).await?;
        self.contacted.push_back(name);
        Some(())
    }

    /// Root cause to closure; stops at the first refusal.
    async fn outcome(&mut self, name: String) -> Option<()> {
        let s = &mut self.stats;
        let c = &mut self.client;
        let call = c.record_root_cause(pb::RecordRootCauseRequest {
            name: name.clone(),
            request_id: fresh_request_id(),
            root_cause: Some(pb::RootCause {
                what_happened: "payment issued late".into(),
                what_should_have_happened: "payment on time".into(),
                mistakes: "none found".into(),
                root_cause: "bank holiday processing".into(),
            }),
            ..Default::default()
        });
        timed(s, "RecordRootCause", call).await?;
        let call = c.record_findings(pb::RecordFindingsRequest {
            name: name.clone(),
            request_id: fresh_request_id(),
            findings: vec![pb::Finding {
                issue_id: "i1".into(),
                upheld: false,
                evidence_ids: vec!["e1".into()],
                reasoning: "paid on the due date".into(),
            }],
            ..Default::default()
        });
        timed(s, "RecordFindings", call).await?;
        let call = c.decide_outcome(pb::DecideOutcomeRequest {
            name: name.clone(),
            request_id: fresh_request_id(),
            outcome: pb::Outcome::NotUpheld.into(),
            summary: "payment was made on time".into(),
            ..Default::default()
        });
        timed(s, "DecideOutcome", call).await?;
        let call = c.communicate_outcome(pb::CommunicateOutcomeRequest {
            name: name.clone(),
            request_id: fresh_request_id(),
            method: pb::ContactMethod::Phone.into(),
            ..Default::default()
        });
        timed(s, "CommunicateOutcome", call).await?;
        let call = c.signpost_complaint(pb::SignpostComplaintRequest {
            name: name.clone(),
            request_id: fresh_request_id(),
            ..Default::default()
        });
        timed(s, "SignpostComplaint", call).await?;
        let call = c.close_complaint(pb::CloseComplaintRequest {
            name,
            request_id: fresh_request_id(),
            ..Default::default()
        });
        timed(s, "CloseComplaint", call).await.map(|_| ())
    }

    /// A read: the case itself, then the team's at-risk deadlines (first page) from the
    /// reporting read model, as a case manager's screen would.
    async fn read(&mut self, name: &str) {
        let call = self.client.get_complaint(pb::GetComplaintRequest {
            name: name.to_owned(),
        });
        timed(&mut self.stats, "GetComplaint", call).await;
        let call = self
            .reporting
            .list_at_risk_deadlines(pb::ListAtRiskDeadlinesRequest {
                team: self.team.clone(),
                page_size: 50,
                ..Default::default()
            });
        timed(&mut self.stats, "ListAtRiskDeadlines", call).await;
    }
}
