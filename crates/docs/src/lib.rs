//! The enforcement documents (执法文书) as PDF: 现场检查记录, 责令限期整改指令书 and
//! 整改复查意见书, rendered on A4 from a typed snapshot of what they say.
//!
//! Invariant: no database, no clock, no randomness. A snapshot in, the same bytes out.

mod check;
pub mod compose;
mod font;
mod layout;
mod linebreak;
mod render;
pub mod snapshot;
mod verify;

pub use check::{IssueError, check_for_issue};
pub use linebreak::break_lines;
pub use render::{RenderError, Rendered, pages_of, render, render_voided};
pub use snapshot::Snapshot;
pub use verify::{code as verification_code, content_hash};
