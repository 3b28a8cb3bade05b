//! The `hubspot-emulator` binary: parse the command line, run it, map the outcome to an exit
//! code (0 ok · 1 contract broken · 2 usage or fixture · 3 infrastructure).

use hubspot_emulator::cli;

#[actix_web::main]
async fn main() {
    let cli = cli::parse();
    cli::init_logging();
    if let Err(error) = cli::run(cli).await {
        eprintln!("error: {error}");
        std::process::exit(error.exit_code());
    }
}
