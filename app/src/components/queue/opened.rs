//! Which task the details drawer shows, if any: the state the rows and the drawer share
//! (`details.rs` draws it; a row's Details button and the drawer's links open it).

use crate::components::shared::overlay::Overlay;
use uuid::Uuid;

/// Which task the drawer shows; provided by the workspace.
pub type Details = Overlay<Uuid>;
