//! A labelled form field with its inline validation message.

use leptos::prelude::*;

/// Label, the control (children) and, when `error` yields one, the message under it.
#[component]
pub fn Field(
    /// Visible label text.
    label: &'static str,
    /// The control's id and wire field name; the message gets `<name>-error` as test id.
    name: &'static str,
    /// The message to show, if any.
    #[prop(into)]
    error: Signal<Option<String>>,
    /// The label is for screen readers only (the control says what it is by itself).
    #[prop(optional)]
    quiet: bool,
    children: Children,
) -> impl IntoView {
    view! {
        <div class="field" class:invalid=move || error.with(Option::is_some)>
            <label for=name class:sr-only=quiet>{label}</label>
            {children()}
            <Show when=move || error.with(Option::is_some)>
                <p class="field-error" role="alert" data-testid=format!("{name}-error")>
                    {move || error.get().unwrap_or_default()}
                </p>
            </Show>
        </div>
    }
}
