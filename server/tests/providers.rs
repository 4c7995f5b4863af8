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

/// A workflow saved in ComfyUI's UI format, or one that saves animated pictures, is
/// refused before anything runs, saying what to do.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn comfyui_workflows_atelier_cannot_run_are_refused_at_start() {
    let fake = FakeService::speaking(Protocol::ComfyUi, Behaviour::Queued { polls: 0 }).await;
    let dir = std::env::temp_dir().join(format!("atelier-flows-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let ui = dir.join("saved.json");
    std::fs::write(&ui, common::fake::comfyui::ui_format().to_string()).unwrap();
    let shipped = concat!(env!("CARGO_MANIFEST_DIR"), "/../comfyui/video-workflow.json");
    let mut animated: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(shipped).unwrap()).unwrap();
    animated["81"] = serde_json::json!({ "class_type": "SaveAnimatedWEBP", "inputs": {
        "images": ["8", 0], "filename_prefix": "atelier", "fps": "{{fps}}", "lossless": false, "quality": 90,
        "method": "default"
    } });
    let webp = dir.join("webp.json");
    std::fs::write(&webp, animated.to_string()).unwrap();
    let (ui, webp) = (ui.to_string_lossy().into_owned(), webp.to_string_lossy().into_owned());
    let base = ("ATELIER_COMFYUI_BASE_URL", fake.base_url.as_str());

    let (ok, out) = check(&[("ATELIER_IMAGE_SERVICE", "comfyui"), base, ("ATELIER_COMFYUI_IMAGE_MODEL", &ui)]).await;
    assert!(!ok, "{out}");
    assert!(out.contains(&format!("ComfyUI workflow {ui}")), "{out}");
    assert!(out.contains("UI format") && out.contains("export it with Export (API)"), "{out}");

    let (ok, out) = check(&[("ATELIER_VIDEO_SERVICE", "comfyui"), base, ("ATELIER_COMFYUI_VIDEO_MODEL", &webp)]).await;
    assert!(!ok, "{out}");
    assert!(out.contains("node 81: SaveAnimatedWEBP saves animated pictures, which Atelier cannot take"), "{out}");
    assert!(fake.calls().is_empty(), "nothing was queued");
    let _ = std::fs::remove_dir_all(dir);
}

/// The check asks ComfyUI's `/object_info` whether the workflow can run there, and names
/// the node and the file it lacks.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn comfyui_is_not_ready_when_the_workflow_names_what_it_lacks() {
    let fake = FakeService::speaking(Protocol::ComfyUi, Behaviour::Queued { polls: 0 }).await;
    let base = fake.base_url.as_str();
    let comfyui = [
        ("ATELIER_IMAGE_SERVICE", "comfyui"),
        ("ATELIER_VIDEO_SERVICE", "comfyui"),
        ("ATELIER_COMFYUI_BASE_URL", base),
    ];
    let shipped = concat!(env!("CARGO_MANIFEST_DIR"), "/../comfyui");
    let (image, video) = (format!("{shipped}/image-workflow.json"), format!("{shipped}/video-workflow.json"));
    let settings = [
        comfyui[0],
        comfyui[1],
        comfyui[2],
        ("ATELIER_COMFYUI_IMAGE_MODEL", &image),
        ("ATELIER_COMFYUI_VIDEO_MODEL", &video),
    ];
    let (ok, out) = check(&settings).await;
    assert!(ok, "both shipped workflows can run at a ComfyUI with their nodes and files: {out}");
    fake.withhold("v1-5-pruned-emaonly.safetensors");
    fake.withhold("EmptyLTXVLatentVideo");
    let (ok, out) = check(&settings).await;
    assert!(!ok, "{out}");
    let image_line = format!(
        "image: comfyui · {image}: unavailable: answers at {base} (ComfyUI 0.3.40), but the workflow {image} cannot \
         run there: node 4 (CheckpointLoaderSimple): ComfyUI has no ckpt_name 'v1-5-pruned-emaonly.safetensors' \
         (it offers ltx-video-2b-v0.9.5.safetensors)"
    );
    assert!(out.contains(&image_line), "{out}");
    assert!(out.contains("node 70: ComfyUI has no node EmptyLTXVLatentVideo"), "{out}");
}

/// HTTPS: a service whose certificate the machine trusts (here through `SSL_CERT_FILE`)
/// answers; one it does not trust is refused, and the check says it is the certificate.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn services_are_reached_over_https_and_certificates_are_checked() {
    let dir = std::env::temp_dir().join(format!("atelier-tls-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let made = Command::new("sh").args(["-c", MAKE_CERTIFICATES]).current_dir(&dir).output().expect("sh runs");
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    // A tiny HTTPS service listing one model (Python's standard library, on this machine).
    let mut service = Command::new("python3")
        .args(["-c", HTTPS_SERVICE, &port.to_string()])
        .current_dir(&dir)
        .spawn()
        .expect("python3 runs");
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_err() {
        assert!(std::time::Instant::now() < deadline, "the HTTPS service did not start");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let url = format!("https://127.0.0.1:{port}");
    let cert = dir.join("ca.pem").display().to_string();
    let openai = [("ATELIER_IMAGE_SERVICE", "openai"), ("ATELIER_OPENAI_BASE_URL", url.as_str())];
    let (_, trusted) = check(&[openai[0], openai[1], ("SSL_CERT_FILE", &cert)]).await;
    let (_, unknown) = check(&[openai[0], openai[1], ("SSL_CERT_FILE", "/nonexistent.pem")]).await;
    let _ = service.kill();
    let _ = service.wait();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(trusted.contains(&format!("ready: answers at {url} and lists the model gpt-image-1")), "{trusted}");
    assert!(unknown.contains("unavailable") && unknown.contains("refused over TLS"), "{unknown}");
}

/// A test certificate authority (`ca.pem`) and a certificate for 127.0.0.1 it signed
/// (`cert.pem`, `key.pem`), with openssl.
const MAKE_CERTIFICATES: &str = "set -e
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj '/CN=Atelier test CA' -keyout ca.key -out ca.pem 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj '/CN=127.0.0.1' -keyout key.pem -out leaf.csr 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1\\nbasicConstraints=CA:FALSE\\nextendedKeyUsage=serverAuth\\n' > leaf.ext
openssl x509 -req -in leaf.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 1 -out cert.pem -extfile leaf.ext 2>/dev/null
";

/// An HTTPS server on the port given, with `cert.pem` and `key.pem` from its folder, that
/// answers every GET with a model list.
const HTTPS_SERVICE: &str = r#"
import http.server, json, ssl, sys

class Models(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = json.dumps({"data": [{"id": "gpt-image-1"}]}).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

server = http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), Models)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain("cert.pem", "key.pem")
server.socket = context.wrap_socket(server.socket, server_side=True)
server.serve_forever()
"#;
