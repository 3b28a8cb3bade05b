//! `hubspot-emulator check`: one delivery, no server. Signs and sends the webhook to `--url` as
//! HubSpot would and judges the reply. Exit 0 on pass, 1 on fail.

use clap::Args;

use super::fire::{print_verdict, VerdictOutput};
use super::target::{Resolved, TargetArgs};
use super::CliError;
use crate::webhook::delivery::send_and_judge;
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
    let Resolved { target, tls } = args.target.resolve(&args.url)?;
    let judged = send_and_judge(target.signed_now(), target.timeout, &tls).await;
    let mut verdict = Verdict::new(target.app_id, target.portal_id, target.user_id);
    verdict.outcome = judged.outcome;
    verdict.delivery = Some(judged.delivery);
    verdict.take_judgement(judged.judgement);
    print_verdict(&verdict, &args.output)
}
