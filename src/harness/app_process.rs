//! The app under test, as `run` manages it: started in its own process group with the emulator's
//! coordinates in its environment, its output streamed with a prefix, and stopped — SIGTERM to
//! the whole group, SIGKILL after a grace period — however the run ends, so no process of it
//! (for example the real app under `cargo run`) outlives the run.

use std::process::Stdio;
use std::time::{Duration, Instant};

use nix::sys::signal::{killpg, Signal};
use nix::unistd::Pid;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

pub struct AppProcess {
    child: Child,
    group: Pid,
    stopped: bool,
}

impl AppProcess {
    /// Starts `command` (program and arguments) with `env` added to the environment.
    pub fn start(command: &[String], env: &[(&str, String)]) -> std::io::Result<AppProcess> {
        let (program, args) = command
            .split_first()
            .ok_or_else(|| std::io::Error::other("no app command given after --"))?;
        let mut child = Command::new(program)
            .args(args)
            .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            // A group of its own, so that stopping it reaches its children too.
            .process_group(0)
            .kill_on_drop(true)
            .spawn()?;
        let pid = child
            .id()
            .ok_or_else(|| std::io::Error::other("the app exited at once"))?;
        if let Some(out) = child.stdout.take() {
            tokio::spawn(stream(BufReader::new(out), "app"));
        }
        if let Some(err) = child.stderr.take() {
            tokio::spawn(stream(BufReader::new(err), "app"));
        }
        Ok(AppProcess {
            child,
            group: Pid::from_raw(pid as i32),
            stopped: false,
        })
    }

    /// Resolves when the app exits, with a description of how.
    pub async fn exited(&mut self) -> String {
        match self.child.wait().await {
            Ok(status) => status.to_string(),
            Err(e) => format!("unknown status ({e})"),
        }
    }

    /// Polls `url` until it answers 2xx; `Err` with the reason when `timeout` passes first or
    /// the app exits.
    pub async fn wait_ready(&mut self, url: &str, timeout: Duration) -> Result<(), String> {
        let client = awc::Client::builder()
            .timeout(Duration::from_secs(2))
            .finish();
        let deadline = Instant::now() + timeout;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!("the app exited ({status}) before it was ready"));
            }
            if let Ok(response) = client.get(url).send().await {
                if response.status().is_success() {
                    return Ok(());
                }
            }
            if Instant::now() >= deadline {
                return Err(format!(
                    "the app did not answer 2xx at {url} within {} ms",
                    timeout.as_millis()
                ));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// SIGTERM to the group, then SIGKILL after `grace` if anything is left.
    pub async fn stop(&mut self, grace: Duration) {
        if self.stopped {
            return;
        }
        self.stopped = true;
        let _ = killpg(self.group, Signal::SIGTERM);
        let deadline = Instant::now() + grace;
        while Instant::now() < deadline {
            // The group is gone when signal 0 can reach no member of it.
            if killpg(self.group, None).is_err() {
                break;
            }
            let _ = self.child.try_wait();
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let _ = killpg(self.group, Signal::SIGKILL);
        let _ = self.child.wait().await;
    }
}

impl Drop for AppProcess {
    fn drop(&mut self) {
        if !self.stopped {
            let _ = killpg(self.group, Signal::SIGKILL);
        }
    }
}

async fn stream(mut reader: BufReader<impl tokio::io::AsyncRead + Unpin>, prefix: &str) {
    let mut line = String::new();
    loop {
        line.clear();
        match reader.read_line(&mut line).await {
            Ok(0) | Err(_) => return,
            Ok(_) => eprintln!("[{prefix}] {}", line.trim_end()),
        }
    }
}
