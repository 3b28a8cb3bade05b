//! The real binary: the ready line, env-var configuration, graceful SIGTERM, and exit codes for
//! a bad fixture (2) and a taken port (3).

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_hubspot-emulator");

struct Running {
    child: Child,
    first_line: String,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(args: &[&str], envs: &[(&str, &str)]) -> Running {
    let mut child = Command::new(BIN)
        .arg("serve")
        .args(args)
        .envs(envs.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary starts");
    let mut first_line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first_line)
        .expect("a ready line");
    Running { child, first_line }
}

fn base_url(line: &str) -> String {
    let start = line
        .find("http://")
        .unwrap_or_else(|| panic!("no URL in {line:?}"));
    line[start..].split_whitespace().next().unwrap().to_string()
}

fn wait_for_exit(child: &mut Child, limit: Duration) -> Option<std::process::ExitStatus> {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if let Some(status) = child.try_wait().unwrap() {
            return Some(status);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    None
}

#[tokio::test]
async fn the_first_line_carries_the_base_url_and_sigterm_stops_it() {
    let mut running = serve(&[], &[("HUBSPOT_EMULATOR_PORT", "0")]);
    let base = base_url(&running.first_line);
    assert!(
        base.starts_with("http://127.0.0.1:"),
        "{}",
        running.first_line
    );
    let health = reqwest::get(format!("{base}/_emulator/health"))
        .await
        .unwrap();
    assert_eq!(health.status(), 200);

    let pid = running.child.id().to_string();
    assert!(Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap()
        .success());
    let status =
        wait_for_exit(&mut running.child, Duration::from_secs(10)).expect("stops on SIGTERM");
    assert!(status.success(), "{status:?}");
}

#[tokio::test]
async fn a_fixture_file_is_loaded() {
    let dir = std::env::temp_dir().join(format!("hse-fixture-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("apps.json");
    std::fs::write(
        &file,
        r#"{"apps": [{"name": "mine", "appId": 4242, "developerApiKey": "my-key"}]}"#,
    )
    .unwrap();
    let running = serve(&["--port", "0", "--fixture", file.to_str().unwrap()], &[]);
    let base = base_url(&running.first_line);
    let response = reqwest::get(format!(
        "{base}/crm/v3/extensions/calling/4242/settings?hapikey=my-key"
    ))
    .await
    .unwrap();
    assert_eq!(
        response.status(),
        404,
        "app declared, nothing registered yet"
    );
    let response = reqwest::get(format!(
        "{base}/crm/v3/extensions/calling/1234567/settings?hapikey=my-key"
    ))
    .await
    .unwrap();
    assert_eq!(
        response.status(),
        404,
        "the demo app is not loaded with --fixture"
    );
    let body = response.text().await.unwrap();
    assert!(body.contains("App 1234567 is not declared"), "{body}");
}

/// `serve --fixture FILE` with `text` in FILE (named `name`): an exit status and stderr.
fn serve_fixture(name: &str, text: &str) -> (Option<i32>, String) {
    let dir = std::env::temp_dir().join(format!("hse-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(name);
    std::fs::write(&file, text).unwrap();
    let output = Command::new(BIN)
        .args(["serve", "--port", "0", "--fixture", file.to_str().unwrap()])
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    (output.status.code(), stderr)
}

/// Each bad fixture: exit 2, and stderr names the file and the JSON path and says what is wrong
/// in plain words (a type as "a positive integer", not as serde's `u64`).
#[test]
fn a_bad_fixture_exits_2_naming_file_path_and_fix() {
    let cases = [
        (
            "bad.json",
            r#"{"apps": [{"name": "x", "appId": 1, "developerApiKey": "k", "colour": 1}]}"#,
            "bad.json: $.apps[0].colour: unknown field `colour`",
        ),
        (
            "typo.json",
            r#"{"portals": [{"portalId": "one", "users": [{"userId": 1}]}]}"#,
            r#"typo.json: $.portals[0].portalId: expected a positive integer or 0, got the text "one""#,
        ),
        (
            "flag.json",
            r#"{"portals": [{"portalId": 1, "users": [{"userId": 1, "supportsChannelConnection": "yes"}]}]}"#,
            r#"flag.json: $.portals[0].users[0].supportsChannelConnection: expected true or false, got the text "yes""#,
        ),
    ];
    for (name, text, expected) in cases {
        let (code, stderr) = serve_fixture(name, text);
        assert_eq!(code, Some(2), "{name}: {stderr}");
        assert!(stderr.contains(expected), "{name}: {stderr}");
        assert!(
            !stderr.contains("u64") && !stderr.contains("a boolean"),
            "{stderr}"
        );
    }
}

#[test]
fn a_taken_port_exits_3() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let output = Command::new(BIN)
        .args(["serve", "--port", &port])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--port 0"));
}

#[test]
fn help_lists_every_subcommand_the_readme_documents() {
    let output = Command::new(BIN).arg("--help").output().unwrap();
    assert!(output.status.success());
    let help = String::from_utf8(output.stdout).unwrap();
    for subcommand in ["serve", "fire", "check", "probe", "sign", "run", "schema"] {
        assert!(
            help.lines()
                .any(|line| line.trim_start().starts_with(&format!("{subcommand} "))),
            "{subcommand} in\n{help}"
        );
        let readme = include_str!("../../README.md");
        let cli = include_str!("../../docs/cli.md");
        assert!(
            readme.contains(&format!("hubspot-emulator {subcommand}"))
                || cli.contains(&format!("hubspot-emulator {subcommand}")),
            "{subcommand} is documented"
        );
    }
}

#[tokio::test]
async fn head_of_the_root_redirects_like_get() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let running = serve(&["--port", "0"], &[]);
    let base = base_url(&running.first_line);
    let address = base.trim_start_matches("http://").to_string();
    let mut answers = Vec::new();
    for method in ["GET", "HEAD"] {
        let mut stream = tokio::net::TcpStream::connect(&address).await.unwrap();
        let request =
            format!("{method} / HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n");
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).await.unwrap();
        let head = answer
            .split("\r\n\r\n")
            .next()
            .unwrap()
            .to_ascii_lowercase();
        assert!(head.starts_with("http/1.1 302"), "{method}: {answer}");
        assert!(
            head.contains("\r\nlocation: /_emulator/ui/"),
            "{method}: {answer}"
        );
        answers.push(answer);
    }
    assert!(
        answers[1].ends_with("\r\n\r\n"),
        "HEAD has no body: {}",
        answers[1]
    );
}

/// build.rs packs the binary's relative relocations (docs/performance.md: ~0.75 MiB of idle RSS
/// and the loader's work at every start): the linked binary has a `.relr.dyn` section and no
/// table of `R_X86_64_RELATIVE` entries left to read.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[test]
fn the_binary_packs_its_relative_relocations() {
    let elf = std::fs::read(BIN).unwrap();
    let sections = elf_sections(&elf);
    let size_of = |name: &str| sections.iter().find(|(n, _)| n == name).map(|(_, s)| *s);
    assert!(
        size_of(".relr.dyn").is_some_and(|size| size > 0),
        "no .relr.dyn in {BIN}: the linker ignored -z pack-relative-relocs (binutils older than 2.38?); sections: {sections:?}"
    );
    // What is left in .rela.dyn is the relocations against symbols, a few KB; unpacked it held
    // ~36,000 relative ones (865 KB in a release build).
    let rela = size_of(".rela.dyn").unwrap_or(0);
    assert!(rela < 64 * 1024, ".rela.dyn is {rela} bytes");
}

/// The names and sizes of an ELF64 little-endian file's sections.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn elf_sections(elf: &[u8]) -> Vec<(String, u64)> {
    let u16_at = |at: usize| u16::from_le_bytes(elf[at..at + 2].try_into().unwrap()) as usize;
    let u32_at = |at: usize| u32::from_le_bytes(elf[at..at + 4].try_into().unwrap()) as usize;
    let u64_at = |at: usize| u64::from_le_bytes(elf[at..at + 8].try_into().unwrap());
    assert_eq!(&elf[..5], b"\x7fELF\x02", "an ELF64 file");
    let (table, entry, count) = (u64_at(0x28) as usize, u16_at(0x3A), u16_at(0x3C));
    let header = |index: usize| table + index * entry;
    let names = u64_at(header(u16_at(0x3E)) + 0x18) as usize;
    (0..count)
        .map(|index| {
            let start = names + u32_at(header(index));
            let end = start + elf[start..].iter().position(|b| *b == 0).unwrap();
            let name = String::from_utf8_lossy(&elf[start..end]).into_owned();
            (name, u64_at(header(index) + 0x20))
        })
        .collect()
}
