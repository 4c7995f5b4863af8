//! Domain types shared by the browser and the server. Every type here validates on
//! construction, so a value that exists is a value that may be stored. This module never
//! touches I/O: the form uses it for instant feedback, the server as the authority.

mod account;
mod attempt;
mod batch;
mod board;
mod choice;
mod compose;
mod content;
mod error;
mod event;
mod image;
mod list;
mod media;
mod page;
mod prompt;
mod search;
mod submission;
mod task;
mod text;
mod video;
mod workspace;

pub use account::{
    check_password, AccountView, Email, SessionRef, SessionView, SignIn, SignInRequest, SignUp, SignUpMode,
    SignUpRequest, Username, LOGIN_CHARS, PASSWORD_CHARS,
};
pub use attempt::{AttemptView, TaskDetails};
pub use batch::{count as prompt_count, MAX_CHARS as MAX_BATCH_CHARS};
pub use board::{
    board_cursor, ArrangeRequest, BoardFilter, BoardItemRef, BoardItemView, BoardPage, BoardQuery, PlaceRequest,
    PlaceSource, Placement, MIN_SIDE,
};
pub use compose::ComposeForm;
pub use content::{download_name, short_id, ContentView};
pub use error::{FieldError, ValidationErrors};
pub use event::TaskEvent;
pub use image::{ImageParams, ImageSize, StylePreset};
pub use list::{ClearFilter, ClearRequest, ListFilter, ListQuery, QueueState, TaskRef, MAX_PAGE_SIZE};
pub use media::{extension_for, Media};
pub use page::{CurrentServices, ServiceUsed, TaskPage};
pub use prompt::{NegativePrompt, Prompt};
pub use search::{cjk_grams, contains_folded, fold, Lookup};
pub use submission::{NewTask, Submission, SubmitRequest, SubmitResponse, Variants, MAX_TASKS};
pub use task::{
    OwnerId, StatusCounts, TaskFailure, TaskKind, TaskParams, TaskStatus, TaskView, Variant, FAILURE_CODES,
};
pub use video::{Fps, Resolution, VideoDuration, VideoParams};
pub use workspace::{
    token_name, Author, BudgetRequest, IdRef, InviteOffer, InviteRequest, InviteToken, InviteView, MemberRole,
    MemberView, NameRequest, NewToken, Role, TokenView, WorkspaceName, WorkspaceSummary, WorkspaceView, INVITE_DAYS,
};
