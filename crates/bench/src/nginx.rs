//! Debian's nginx, started for a benchmark in a folder of its own with the
//! `http` block's servers a benchmark gives; stopped and its folder removed
//! when dropped. Needs nginx (`apt-get install nginx`).

use std::process::{Command, Stdio};
use std::time::Duration;

pub struct Nginx {
    child: std::process::Child,
    pub dir: std::path::PathBuf,
    pub port: u16,
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn free_port() -> Result<u16, String> {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).map_err(|e| e.to_string())
}

impl Nginx {
    /// nginx with the `http` block's content `servers(port, folder)`: its
    /// own folder (for temporary files and what it serves), no access log,
    /// as many workers as cores.
    pub async fn start(servers: impl FnOnce(u16, &str) -> String) -> Result<Nginx, String> {
        let port = free_port()?;
        let dir = std::env::temp_dir().join(format!("egov-bench-nginx-{port}"));
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        let d = dir.display().to_string();
        let conf = format!(
            "worker_processes auto;\npid {d}/nginx.pid;\nerror_log {d}/error.log;\ndaemon off;\n\
             events {{ worker_connections 4096; }}\n\
             http {{\n  access_log off;\n  client_body_temp_path {d}/body;\n{}\n}}\n",
            servers(port, &d)
        );
        std::fs::write(dir.join("nginx.conf"), conf).map_err(|e| e.to_string())?;
        let child = Command::new("/usr/sbin/nginx")
            .arg("-p")
            .arg(&dir)
            .arg("-c")
            .arg(dir.join("nginx.conf"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("nginx (apt-get install nginx): {e}"))?;
        let n = Nginx { child, dir, port };
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Ok(n);
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Err("nginx did not start".into())
    }
}
