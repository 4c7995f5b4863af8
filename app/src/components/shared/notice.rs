//! Running an action in the background while a notice line waits to say why it failed
//! (the queue's and the whiteboard's).

use super::text::error_text;
use crate::api::ApiError;
use crate::i18n::t;
use leptos::prelude::*;
use std::future::Future;

/// Clears `notice`, runs `action`; its error, if any, becomes the notice.
pub fn run_noting(notice: RwSignal<Option<String>>, action: impl Future<Output = Result<(), ApiError>> + 'static) {
    notice.set(None);
    leptos::task::spawn_local(async move {
        if let Err(err) = action.await {
            notice.set(Some(error_text(t(), &err)));
        }
    });
}
