//! The enforcement documents (执法文书) as PDF: 现场检查记录, 责令限期整改指令书 and
//! 整改复查意见书, rendered on A4 from a typed snapshot of what they say.
//!
//! Invariant: no database, no clock, no randomness. A snapshot in, the same bytes out.

mod check;
pub mod compose;
#[cfg(feature = "render")]
mod font;
#[cfg(feature = "render")]
mod layout;
#[cfg(feature = "render")]
mod linebreak;
#[cfg(feature = "render")]
mod render;
pub mod snapshot;
mod verify;

pub use check::{IssueError, Problem, check_for_issue};
#[cfg(feature = "render")]
pub use linebreak::break_lines;
#[cfg(feature = "render")]
pub use render::{RenderError, Rendered, pages_of, render, render_for_server, render_voided};
pub use snapshot::Snapshot;
pub use verify::{code as verification_code, content_hash, page_url as verification_page};
