//! The CI recipes in docs/ci run as written: the GitHub Actions workflow runs the plain-shell
//! script (which .ci/run runs), with the cargo cache and the reports uploaded, and neither has a
//! placeholder left to fill in.

const WORKFLOW: &str = include_str!("../../docs/ci/github-actions.yml");
const SCRIPT: &str = include_str!("../../docs/ci/hubspot-contract.sh");
const CI: &str = include_str!("../../.ci/run");

#[test]
fn the_workflow_runs_the_script_that_ci_runs_with_cache_and_reports() {
    assert!(
        WORKFLOW.contains("run: bash docs/ci/hubspot-contract.sh"),
        "{WORKFLOW}"
    );
    assert!(CI.contains("bash docs/ci/hubspot-contract.sh"), "{CI}");
    assert!(WORKFLOW.contains("uses: actions/cache@v4"));
    assert!(WORKFLOW.contains("hashFiles('Cargo.lock')"));
    assert!(WORKFLOW.contains("uses: actions/upload-artifact@v4"));
    assert!(WORKFLOW.contains("if: always()"));
    // What the script writes is what the workflow uploads.
    assert!(SCRIPT.contains("REPORTS=\"${REPORTS:-$PWD/reports}\""));
    assert!(WORKFLOW.contains("path: reports/"));
    assert!(SCRIPT.contains("--junit \"$REPORTS/hubspot-junit.xml\""));
    for text in [WORKFLOW, SCRIPT] {
        for placeholder in ["OWNER", "TODO", "<your", "CHANGEME", "xxx"] {
            assert!(!text.contains(placeholder), "{placeholder} in\n{text}");
        }
    }
}

#[test]
fn the_script_is_executable() {
    use std::os::unix::fs::PermissionsExt;
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/ci/hubspot-contract.sh");
    let mode = std::fs::metadata(path).unwrap().permissions().mode();
    assert!(mode & 0o111 != 0, "{path} is not executable");
}
