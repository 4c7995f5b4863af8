use super::*;

fn image(prompt: &str) -> SubmitRequest {
    SubmitRequest { kind: "image".into(), prompt: prompt.into(), ..Default::default() }
}

fn video(prompt: &str) -> SubmitRequest {
    SubmitRequest { kind: "video".into(), prompt: prompt.into(), ..Default::default() }
}

fn codes(req: &SubmitRequest) -> Vec<(String, String)> {
    req.validate().unwrap_err().0.into_iter().map(|e| (e.field, e.code)).collect()
}

fn pair(field: &str, code: &str) -> (String, String) {
    (field.into(), code.into())
}

#[test]
fn image_defaults_fill_in() {
    let s = image(" a fox ").validate().unwrap();
    let TaskParams::Image(p) = &s.params else { panic!("expected image") };
    assert_eq!((p.prompt.as_str(), p.size, p.style, p.seed), ("a fox", ImageSize::Square1024, StylePreset::None, None));
    assert_eq!(s.variants.get(), 1);
}

#[test]
fn video_defaults_fill_in() {
    let s = video("waves").validate().unwrap();
    let TaskParams::Video(p) = &s.params else { panic!("expected video") };
    assert_eq!((p.duration_secs.secs(), p.resolution, p.fps), (5, Resolution::P720, Fps::F24));
}

#[test]
fn every_bad_field_is_reported_at_once() {
    let req = SubmitRequest {
        size: Some("3x3".into()),
        seed: Some(-1),
        variants: Some(11),
        negative_prompt: Some("n".repeat(2001)),
        ..image("   ")
    };
    assert_eq!(
        codes(&req),
        vec![
            pair("prompt", "prompt_empty"),
            pair("negative_prompt", "negative_prompt_too_long"),
            pair("seed", "seed_out_of_range"),
            pair("variants", "variants_out_of_range"),
            pair("size", "unknown_size"),
        ]
    );
}

#[test]
fn kind_is_required_and_closed() {
    assert_eq!(codes(&image("x").clone_with_kind("")), vec![pair("kind", "kind_missing")]);
    assert_eq!(codes(&image("x").clone_with_kind("gif")), vec![pair("kind", "unknown_kind")]);
}

#[test]
fn video_rules() {
    let req = SubmitRequest { duration_secs: Some(-3), resolution: Some("4k".into()), fps: Some(60), ..video("v") };
    assert_eq!(
        codes(&req),
        vec![
            pair("duration_secs", "duration_out_of_range"),
            pair("resolution", "unknown_resolution"),
            pair("fps", "unknown_fps")
        ]
    );
}

#[test]
fn fields_of_the_other_kind_are_refused() {
    let req = SubmitRequest { fps: Some(24), ..image("x") };
    assert_eq!(codes(&req), vec![pair("fps", "field_not_applicable")]);
    let req = SubmitRequest { size: Some("512x512".into()), ..video("x") };
    assert_eq!(codes(&req), vec![pair("size", "field_not_applicable")]);
}

#[test]
fn seed_bounds() {
    assert!(SubmitRequest { seed: Some(u32::MAX as i64), ..image("x") }.validate().is_ok());
    assert_eq!(
        codes(&SubmitRequest { seed: Some(u32::MAX as i64 + 1), ..image("x") }),
        vec![pair("seed", "seed_out_of_range")]
    );
}

#[test]
fn unknown_json_fields_are_refused() {
    let err = serde_json::from_str::<SubmitRequest>(r#"{"kind":"image","prompt":"x","colour":"red"}"#).unwrap_err();
    assert!(err.to_string().contains("colour"), "{err}");
}

#[test]
fn variants_get_distinct_seeds_and_fingerprints() {
    let s = SubmitRequest { variants: Some(3), seed: Some(41), ..image("fox") }.validate().unwrap();
    let tasks = s.expand(999);
    let seeds: Vec<_> = tasks.iter().map(|t| t.params.seed()).collect();
    assert_eq!(seeds, vec![Some(41), Some(42), Some(43)]);
    let mut hashes: Vec<_> = tasks.iter().map(|t| t.fingerprint.clone()).collect();
    hashes.dedup();
    assert_eq!(hashes.len(), 3);
    // The same batch sent again matches itself variant by variant, whatever random seed it gets.
    let again = SubmitRequest { variants: Some(3), seed: Some(41), ..image("fox") }.validate().unwrap().expand(5);
    assert_eq!(hashes, again.into_iter().map(|t| t.fingerprint).collect::<Vec<_>>());
}

#[test]
fn a_blank_seed_is_the_random_one_counting_up_across_a_batch() {
    let batch = SubmitRequest { variants: Some(2), ..video("v") }.validate().unwrap().expand(u32::MAX);
    assert_eq!(batch.iter().map(|t| t.params.seed()).collect::<Vec<_>>(), vec![Some(u32::MAX), Some(0)]);
    let single = video("v").validate().unwrap();
    let task = single.expand(7).remove(0);
    assert_eq!(task.params.seed(), Some(7), "recorded, so the same settings can be used again");
    assert_eq!(single.expand(8)[0].fingerprint, task.fingerprint, "the fingerprint is taken before the seed is picked");
}

impl SubmitRequest {
    fn clone_with_kind(&self, kind: &str) -> Self {
        Self { kind: kind.into(), ..self.clone() }
    }
}

#[test]
fn idempotency_key_rules() {
    let ok = SubmitRequest { idempotency_key: Some("0b1c-key_2".into()), ..image("x") }.validate().unwrap();
    assert_eq!(ok.idempotency_key.as_deref(), Some("0b1c-key_2"));
    for bad in ["", "has space", &"k".repeat(129)] {
        let req = SubmitRequest { idempotency_key: Some(bad.into()), ..image("x") };
        assert_eq!(codes(&req), vec![pair("idempotency_key", "idempotency_key_invalid")], "{bad:?}");
    }
}

#[test]
fn submission_fingerprint_covers_parameters_and_batch_size() {
    let one = image("a  fox").validate().unwrap();
    assert_eq!(one.fingerprint(), image("a fox").validate().unwrap().fingerprint());
    let three = SubmitRequest { variants: Some(3), ..image("a fox") }.validate().unwrap();
    assert_ne!(one.fingerprint(), three.fingerprint());
    let keyed = SubmitRequest { idempotency_key: Some("k".into()), ..image("a fox") }.validate().unwrap();
    assert_eq!(one.fingerprint(), keyed.fingerprint(), "the key is not a parameter");
}

#[test]
fn lines_and_alternatives_make_one_task_each_per_variant() {
    let request = SubmitRequest {
        prompt: "a {red|blue} kite\n\nthe {sea|sky}\n".into(),
        variants: Some(2),
        seed: Some(7),
        ..image("")
    };
    let submission = request.validate().unwrap();
    let made: Vec<(String, Option<u32>, u32)> = submission
        .expand(0)
        .iter()
        .map(|t| (t.params.prompt().to_owned(), t.params.seed(), t.variant.number))
        .collect();
    let expected = [
        ("a red kite", 7, 1),
        ("a red kite", 8, 2),
        ("a blue kite", 7, 1),
        ("a blue kite", 8, 2),
        ("the sea", 7, 1),
        ("the sea", 8, 2),
        ("the sky", 7, 1),
        ("the sky", 8, 2),
    ];
    assert_eq!(made, expected.map(|(p, s, k)| (p.to_owned(), Some(s), k)));
    assert!(submission.expand(0).iter().all(|t| t.variant.of == 2), "each prompt's variants: 2");
    let hashes: std::collections::HashSet<String> = submission.expand(0).into_iter().map(|t| t.fingerprint).collect();
    assert_eq!(hashes.len(), 8, "no two tasks of a batch fold into each other");

    let too_many =
        SubmitRequest { prompt: "{0|1|2|3|4|5|6|7|8|9}{0|1|2|3|4|5|6|7|8|9}".into(), variants: Some(6), ..image("") };
    let errors = too_many.validate().unwrap_err();
    let err = errors.for_field("prompt").unwrap();
    assert_eq!(err.code, "batch_too_large");
    assert!(err.message.contains("600 tasks (100 prompts × 6 variants); at most 500"), "{}", err.message);
    let blank = image("{ | }").validate().unwrap_err();
    assert_eq!(blank.for_field("prompt").unwrap().code, "prompt_empty");
}

#[test]
fn a_tasks_settings_make_the_same_task_again() {
    let image =
        SubmitRequest { size: Some("1536x1024".into()), style: Some("anime".into()), seed: Some(9), ..image("a kite") };
    let video = SubmitRequest {
        negative_prompt: Some("blur".into()),
        duration_secs: Some(3),
        resolution: Some("480p".into()),
        fps: Some(12),
        seed: Some(4),
        ..video("waves")
    };
    for request in [image, video] {
        let params = request.validate().unwrap().params;
        assert_eq!(SubmitRequest::repeating(&params).validate().unwrap().params, params);
    }
}

#[test]
fn a_batch_may_be_far_longer_than_one_prompt() {
    let text: String = (0..500).map(|i| format!("{i:03} {}\n", "a kite ".repeat(56))).collect();
    assert!(text.chars().count() > 190_000);
    let submission = image(&text).validate().unwrap();
    assert_eq!(submission.prompts.len(), 500);
    assert_eq!(submission.params.prompt(), submission.prompts[0].as_str(), "the settings hold the first prompt");
    let too_long = image(&format!("fine\n{}", "x".repeat(Prompt::MAX_CHARS + 1))).validate().unwrap_err();
    let err = too_long.for_field("prompt").unwrap();
    assert_eq!((err.code.as_str(), err.line), ("prompt_too_long", Some(2)));
}

#[test]
fn the_same_prompts_are_the_same_request_however_written() {
    let fingerprint = |text: &str| image(text).validate().unwrap().fingerprint();
    assert_eq!(fingerprint("a\nb"), fingerprint("{a|b}"), "the same two tasks");
    assert_eq!(fingerprint("a  kite\n\nb"), fingerprint(" a kite\nb "));
    assert_ne!(fingerprint("a\nb"), fingerprint("a b"), "two prompts are not one");
    assert_ne!(fingerprint("a\nb"), fingerprint("b\na"), "nor in another order");
}
