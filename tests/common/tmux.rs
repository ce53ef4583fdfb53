//! A command at a real terminal: a detached tmux session on a server of
//! its own, read from its screen and answered by keystrokes.

use std::process::Command;
use std::time::{Duration, Instant};

pub struct Tmux {
    socket: String,
    session: &'static str,
}

impl Tmux {
    /// Runs `command` in a session named `session`, on a server no other test shares.
    pub fn start(session: &'static str, command: &str) -> Tmux {
        let socket = format!("rollcall-{session}-test-{}", std::process::id());
        let tmux = Tmux { socket, session };
        let status = tmux
            .command(&["new-session", "-d", "-s", session, "-x", "200", "-y", "50", command])
            .status()
            .expect("tmux is needed for this test (apt-get install tmux)");
        assert!(status.success(), "tmux new-session failed");
        tmux
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new("tmux");
        command.args(["-L", &self.socket, "-f", "/dev/null"]).args(args);
        command
    }

    pub fn screen(&self) -> String {
        let output =
            self.command(&["capture-pane", "-p", "-J", "-S", "-", "-t", self.session]).output().expect("capture");
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    /// Waits until `text` is on the screen `times` times.
    pub fn wait_for(&self, text: &str, times: usize) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let screen = self.screen();
            if screen.matches(text).count() >= times {
                return;
            }
            assert!(Instant::now() < deadline, "timed out waiting for {text:?} ({times}×); the screen:\n{screen}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Answers the `times`-th showing of `prompt`; an empty answer is Enter alone.
    pub fn answer(&self, prompt: &str, times: usize, answer: &str) {
        self.wait_for(prompt, times);
        if !answer.is_empty() {
            assert!(self.command(&["send-keys", "-t", self.session, "-l", answer]).status().unwrap().success());
        }
        assert!(self.command(&["send-keys", "-t", self.session, "Enter"]).status().unwrap().success());
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.command(&["kill-server"]).status();
    }
}
