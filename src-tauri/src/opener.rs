//! Opens a document in the system's PDF viewer, where the inspector prints it through the
//! system's print dialog (printer drivers and portable printers are the OS's business).

use std::path::Path;
use std::process::{Command, Stdio};

pub fn open_in_viewer(path: &Path) -> std::io::Result<()> {
    let mut command = if cfg!(target_os = "windows") {
        let mut c = Command::new("cmd");
        // `start` treats the first quoted argument as the window title.
        c.args(["/C", "start", ""]).arg(path);
        c
    } else if cfg!(target_os = "macos") {
        let mut c = Command::new("open");
        c.arg(path);
        c
    } else {
        let mut c = Command::new("xdg-open");
        c.arg(path);
        c
    };
    // Not waited for: the viewer lives on after the call returns.
    command.stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::null()).spawn().map(drop)
}
