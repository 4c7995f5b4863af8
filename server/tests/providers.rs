//! `server providers check`: the real binary asks each configured generation service
//! whether it answers and can serve its kind of task, prints a line per kind, and exits
//! with 1 when a kind has no service that answers.

mod common;

use common::fake::{Behaviour, FakeService, Protocol};
use std::process::Command;
use std::time::Duration;

/// Runs `server providers check` with these settings; its success and its output (what
/// it printed, then what it complained of).
async fn check(settings: &[(&str, &str)]) -> (bool, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_server"));
    command.args(["--config", "/nonexistent/Leptos.toml", "providers", "check"]).env("ATELIER_LOG", "warn");
    for (key, value) in settings {
        command.env(key, value);
    }
    let output = tokio::task::spawn_blocking(move || command.output().unwrap()).await.unwrap();
    let said = String::from_utf8(output.stdout).unwrap() + &String::from_utf8(output.stderr).unwrap();
    (output.status.success(), said)
}

/// The check with images from the OpenAI-compatible service at `base_url`.
async fn check_openai(base_url: &str, model: Option<&str>) -> (bool, String) {
    let mut settings = vec![("ATELIER_IMAGE_SERVICE", "openai"), ("ATELIER_OPENAI_BASE_URL", base_url)];
    settings.extend(model.map(|model| ("ATELIER_OPENAI_IMAGE_MODEL", model)));
    check(&settings).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_defaults_serve_both_kinds_offline() {
    let (ok, out) = check(&[]).await;
    let image = "image: embedded · atelier-sketch-1: ready: built in, offline: PNG images (one call, cancellable, with progress)";
    assert!(out.contains(image), "{out}");
    assert!(out.contains("video: embedded · atelier-sketch-1: ready: built in, offline: AV1 video in MP4"), "{out}");
    assert!(ok, "{out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_service_that_lists_the_model_is_ready() {
    let fake = FakeService::start(Behaviour::Succeed { after: Duration::ZERO }).await;
    let (_, out) = check_openai(&fake.base_url, None).await;
    let expected =
        format!("image: openai · gpt-image-1: ready: answers at {} and lists the model gpt-image-1", fake.base_url);
    assert!(out.contains(&expected), "{out}");

    let (_, out) = check_openai(&fake.base_url, Some("sdxl-turbo")).await;
    assert!(out.contains("but does not list the model sdxl-turbo (it lists: gpt-image-1, dall-e-3)"), "{out}");
    assert!(fake.calls().is_empty(), "checking generates nothing");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refusals_and_silence_are_unavailable_with_the_reason() {
    let fake = FakeService::start(Behaviour::Status(401)).await;
    let (ok, out) = check_openai(&fake.base_url, None).await;
    let expected = format!(
        "image: openai · gpt-image-1: unavailable: {}: The generation service refused: HTTP 401: Incorrect API key provided.",
        fake.base_url
    );
    assert!(out.contains(&expected), "{out}");
    assert!(!ok);

    let closed = format!(
        "http://127.0.0.1:{}",
        std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
    );
    let (_, out) = check_openai(&closed, None).await;
    assert!(
        out.contains(&format!(
            "image: openai · gpt-image-1: unavailable: {closed}: generation service connection refused"
        )),
        "{out}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn queued_services_say_whether_they_answer_and_have_the_model() {
    let replicate = FakeService::speaking(Protocol::Replicate, Behaviour::Queued { polls: 0 }).await;
    let fal = FakeService::speaking(Protocol::Fal, Behaviour::Queued { polls: 0 }).await;
    let (ok, out) = check(&[
        ("ATELIER_IMAGE_SERVICE", "replicate"),
        ("ATELIER_REPLICATE_BASE_URL", &replicate.base_url),
        ("ATELIER_VIDEO_SERVICE", "fal"),
        ("ATELIER_FAL_BASE_URL", &fal.base_url),
    ])
    .await;
    let image = format!(
        "image: replicate · black-forest-labs/flux-schnell: ready: answers at {} and has the model",
        replicate.base_url
    );
    assert!(out.contains(&image), "{out}");
    assert!(
        out.contains("has the model black-forest-labs/flux-schnell (queued jobs, cancellable, with progress)"),
        "{out}"
    );
    assert!(out.contains(&format!("video: fal · fal-ai/ltx-video: ready: answers at {}", fal.base_url)), "{out}");
    assert!(ok, "{out}");

    let (ok, out) = check(&[
        ("ATELIER_IMAGE_SERVICE", "replicate"),
        ("ATELIER_REPLICATE_BASE_URL", &replicate.base_url),
        ("ATELIER_REPLICATE_IMAGE_MODEL", "someone/nothing"),
    ])
    .await;
    assert!(out.contains("unavailable: answers at") && out.contains("but has no model someone/nothing"), "{out}");
    assert!(!ok);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn comfyui_answers_with_its_version_and_a_broken_workflow_stops_the_start() {
    let fake = FakeService::speaking(Protocol::ComfyUi, Behaviour::Queued { polls: 0 }).await;
    let workflow = concat!(env!("CARGO_MANIFEST_DIR"), "/../comfyui/image-workflow.json");
    let comfyui = [("ATELIER_IMAGE_SERVICE", "comfyui"), ("ATELIER_COMFYUI_BASE_URL", fake.base_url.as_str())];
    let (ok, out) = check(&[comfyui[0], comfyui[1], ("ATELIER_COMFYUI_IMAGE_MODEL", workflow)]).await;
    let expected = format!("ready: answers at {} (ComfyUI 0.3.40); image from the workflow {workflow}", fake.base_url);
    assert!(out.contains(&expected), "{out}");
    assert!(ok, "{out}");

    let (ok, out) = check(&[comfyui[0], comfyui[1], ("ATELIER_COMFYUI_IMAGE_MODEL", "/nowhere/flow.json")]).await;
    assert!(!ok);
    assert!(out.contains("ComfyUI workflow /nowhere/flow.json"), "{out}");
}
