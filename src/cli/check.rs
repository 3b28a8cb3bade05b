//! `hubspot-emulator check`: one delivery, no server. Signs and sends the webhook to `--url` as
//! HubSpot would and judges the reply. Exit 0 on pass, 1 on fail.

use clap::Args;

use super::fire::{print_verdict, VerdictOutput};
use super::target::TargetArgs;
use super::CliError;
use crate::clock::Timestamp;
use crate::webhook::delivery::{send_and_judge, signed_request, webhook_body, Plan};
use crate::webhook::Verdict;

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The app's phone-number endpoint (its channel connection url).
    #[arg(long, env = "HUBSPOT_EMULATOR_CHECK_URL")]
    pub url: String,
    #[command(flatten)]
    pub target: TargetArgs,
    #[command(flatten)]
    pub output: VerdictOutput,
}

pub async fn run(args: CheckArgs) -> Result<(), CliError> {
    let target = args.target.resolve()?;
    let request = signed_request(&Plan {
        url: &args.url,
        client_secret: &target.client_secret,
        legacy: target.legacy,
        timeout: target.timeout,
        body: webhook_body(target.app_id, target.portal_id, target.user_id),
    });
    let judged = send_and_judge(request, target.timeout, &target.tls).await;
    let mut verdict = Verdict {
        id: 0,
        time: Timestamp::now(),
        app_id: target.app_id,
        portal_id: target.portal_id,
        user_id: target.user_id,
        outcome: judged.outcome,
        findings: Vec::new(),
        omitted_findings: Default::default(),
        picker: Vec::new(),
        picker_total: 0,
        picker_selectable: 0,
        delivery: Some(judged.delivery),
        replay_of: None,
    };
    verdict.take_judgement(judged.judgement);
    print_verdict(&verdict, &args.output)
}
