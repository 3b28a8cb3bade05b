//! The headless Chromium an `openWidget` step opens the host page in: found (`CHROMIUM`, else
//! `chromium`, `chromium-browser`, `google-chrome` on `PATH`), started in a process group of
//! its own with a throw-away profile, and killed — the whole group — when the run ends, however
//! it ends (the runner holds it; dropping it kills it and removes the profile).

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::atomic::{AtomicU64, Ordering};

use nix::sys::signal::{killpg, Signal};
use nix::unistd::Pid;
use tokio::process::{Child, Command};

/// The browsers tried, in order, when `CHROMIUM` is not set.
pub const BROWSER_NAMES: &[&str] = &["chromium", "chromium-browser", "google-chrome"];
/// What a run without a browser is told (it exits 3: the environment, not the app, failed).
pub const INSTALL_HINT: &str =
    "install chromium (apt-get install chromium) or set CHROMIUM to a Chromium or Chrome binary";

/// The most of the browser's own output a failure quotes.
const OUTPUT_QUOTED: usize = 2048;

pub struct Browser {
    child: Child,
    group: Pid,
    profile: PathBuf,
}

/// The browser to start: `CHROMIUM` (a path, or a name on `PATH`), else the first of
/// `BROWSER_NAMES` on `PATH`; the error says how to get one.
pub fn find_browser() -> Result<PathBuf, String> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let on_path = |name: &str| {
        std::env::split_paths(&path)
            .map(|dir| dir.join(name))
            .find(|candidate| is_executable(candidate))
    };
    match std::env::var("CHROMIUM") {
        Ok(chosen) if !chosen.trim().is_empty() => {
            let chosen = chosen.trim();
            let direct = Path::new(chosen);
            if chosen.contains('/') {
                return is_executable(direct)
                    .then(|| direct.to_path_buf())
                    .ok_or_else(|| {
                        format!("CHROMIUM={chosen} is not an executable file: {INSTALL_HINT}")
                    });
            }
            on_path(chosen)
                .ok_or_else(|| format!("CHROMIUM={chosen} is not on PATH: {INSTALL_HINT}"))
        }
        _ => BROWSER_NAMES
            .iter()
            .find_map(|name| on_path(name))
            .ok_or_else(|| {
                format!(
                    "no browser to open the calling widget in ({} are not on PATH): {INSTALL_HINT}",
                    BROWSER_NAMES.join(", ")
                )
            }),
    }
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

impl Browser {
    /// Starts `program` headless on `url` with a fresh profile.
    pub fn open(program: &Path, url: &str) -> Result<Browser, String> {
        static OPENED: AtomicU64 = AtomicU64::new(0);
        let profile = std::env::temp_dir().join(format!(
            "hubspot-emulator-chromium-{}-{}",
            std::process::id(),
            OPENED.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&profile).map_err(|e| {
            format!(
                "cannot create the browser's profile {}: {e}",
                profile.display()
            )
        })?;
        let output = std::fs::File::create(profile.join("output.log"))
            .map_err(|e| format!("cannot write in {}: {e}", profile.display()))?;
        let mut command = Command::new(program);
        command
            .arg("--headless=new")
            .arg(format!("--user-data-dir={}", profile.display()))
            .args([
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--mute-audio",
            ]);
        // Chromium refuses to run as root with its sandbox (as in a CI container).
        // SAFETY: geteuid only reads the process's effective user id; it cannot fail.
        if unsafe { libc::geteuid() } == 0 {
            command.arg("--no-sandbox");
        }
        let child = command
            .arg(url)
            .stdin(Stdio::null())
            .stdout(output.try_clone().map_err(|e| e.to_string())?)
            .stderr(output)
            // A group of its own, so that ending it reaches its renderers too.
            .process_group(0)
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", program.display()))?;
        let pid = child
            .id()
            .ok_or_else(|| format!("{} exited at once", program.display()))?;
        Ok(Browser {
            child,
            group: Pid::from_raw(pid as i32),
            profile,
        })
    }

    /// How it exited, if it did; with the end of what it printed.
    pub fn exited(&mut self) -> Option<String> {
        let status = self.child.try_wait().ok().flatten()?;
        let output = std::fs::read(self.profile.join("output.log")).unwrap_or_default();
        let tail = &output[output.len().saturating_sub(OUTPUT_QUOTED)..];
        Some(format!(
            "{status}; its output ended: {}",
            String::from_utf8_lossy(tail).trim()
        ))
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = killpg(self.group, Signal::SIGKILL);
        let _ = self.child.start_kill();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}
