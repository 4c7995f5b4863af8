//! 简体中文.

use super::{Ago, Text};
use crate::domain::{
    FieldError, ImageSize, NegativePrompt, Prompt, StylePreset, TaskKind, TaskStatus, Variants, VideoDuration,
};

pub const TEXT: Text = Text {
    board: "白板",
    board_hint: "生成的图片和视频会放在这里。",
    panel: "生成面板",
    language: "语言",
    theme_dark: "深色主题",
    theme_light: "浅色主题",
    resize_panel: "面板宽度",

    kind: "类型",
    prompt: "提示词",
    prompt_placeholder: "描述要生成的内容。每行一个提示词；{红|蓝} 会各生成一个。",
    negative_prompt: "反向提示词（可选）",
    size: "尺寸",
    style: "风格",
    duration: "时长（秒）",
    resolution: "分辨率",
    fps: "帧率",
    seed: "随机种子（可选）",
    variants: "变体数量",
    generate: "生成",
    generate_n: |n| format!("生成 {n} 个"),
    confirm_many: |n| format!("一次排入 {n} 个任务？"),
    shortcut: "Ctrl/⌘ + Enter",
    options: "选项",
    seconds: |n| format!("{n} 秒"),
    seed_auto: "随机种子",
    seed_is: |n| format!("种子 {n}"),
    variants_count: |n| format!("{n} 个变体"),
    field_error,

    kind_label: |kind| match kind {
        TaskKind::Image => "图片",
        TaskKind::Video => "视频",
    },
    status_label: |status| match status {
        TaskStatus::Pending => "等待中",
        TaskStatus::Processing => "生成中",
        TaskStatus::Retrying => "等待重试",
        TaskStatus::Completed => "已完成",
        TaskStatus::Failed => "失败",
        TaskStatus::Cancelled => "已取消",
    },
    size_label: |size| match size {
        ImageSize::Square512 => "512 × 512",
        ImageSize::Square768 => "768 × 768",
        ImageSize::Square1024 => "1024 × 1024",
        ImageSize::Portrait => "1024 × 1536（竖版）",
        ImageSize::Landscape => "1536 × 1024（横版）",
    },
    style_label: |style| match style {
        StylePreset::None => "无预设",
        StylePreset::Photographic => "摄影",
        StylePreset::Illustration => "插画",
        StylePreset::Anime => "动漫",
        StylePreset::Watercolor => "水彩",
        StylePreset::PixelArt => "像素画",
    },

    queue: "任务队列",
    task_count: |n| format!("{n} 个任务"),
    pause: "暂停",
    resume: "恢复",
    paused: "已暂停：不会开始新任务",
    clear_failed_title: "移除失败和已取消的任务",
    load_older: "显示更早的任务",
    all: "全部",
    all_kinds: "全部类型",
    search: "搜索提示词",
    loading: "正在加载任务…",
    live_reconnecting: "连接已断开，正在重新连接…在此之前列表可能不是最新的。",
    live_polling: |s| format!("实时更新不可用：列表每 {s} 秒刷新一次。"),
    empty: "还没有任务。填写表单后点击“生成”。",
    sending: "发送中…",
    not_queued: "未加入队列",
    edit_and_resend: "修改后重新提交",

    cancelling: "正在取消…",
    progress: "进度",
    retry_at: |n, limit| format!("第 {n}/{limit} 次重试 · 下次于 "),
    retry_in: |left| format!("（{left} 后）"),
    ago: |ago| match ago {
        Ago::JustNow => "刚刚".into(),
        Ago::Minutes(n) => format!("{n} 分钟前"),
        Ago::Hours(n) => format!("{n} 小时前"),
        Ago::Days(n) => format!("{n} 天前"),
    },
    retry_due: "（马上）",
    failure_words,
    failure_unknown: "出了问题，详情中有说明。",
    waiting_on: |code| match code {
        "service_unavailable" => Some("生成服务不可用"),
        "timed_out" => Some("上次尝试用时过长"),
        "storage" => Some("结果无法保存"),
        _ => None,
    },
    enlarge: "放大",
    full_size: "查看原图",
    download: "下载",
    cancel: "取消",
    retry: "重试",
    delete: "删除",

    service_down: |n| format!("生成服务暂不可用：{n} 个任务等待重试，下一次在 "),

    details: "详情",
    loading_details: "加载中…",
    status: "状态",
    seed_random: "随机",
    service: "生成服务",
    created: "创建时间",
    started: "开始时间",
    finished: "结束时间",
    next_retry: "下次重试",
    retries: "重试次数",
    retries_of: |n, limit| format!("{n} / {limit}"),
    id: "任务 ID",
    error_heading: "错误",
    file: "文件",
    attempts: "执行记录",
    attempt: |n| format!("第 {n} 次"),
    attempt_outcome: |outcome| match outcome {
        None => "进行中",
        Some("completed") => "成功",
        Some("transient") => "失败，稍后重试",
        Some("permanent") => "失败",
        Some("cancelled") => "已取消",
        Some("released") => "已交还（服务器停止）",
        Some(_) => "已结束",
    },
    no_attempts: "尚未开始。",

    move_to_top: "移到最前",
    moved_to_top: "已移到队列最前，下一个开始。",
    clear_completed: "清除已完成",
    clear_failed: "清除失败",
    cleared: |n| format!("已清除 {n} 个任务。"),
    undo: "撤销",
    download_all: "下载全部已完成（ZIP）",
    more_actions: "更多操作",

    task_completed: |prompt| format!("已完成：{prompt}"),
    task_now: |prompt, status| format!("{prompt}：{status}"),
    task_failed: |prompt, reason| format!("失败：{prompt}（{reason}）"),
    finished_while_away: |n| format!("你离开期间有 {n} 个任务结束。"),
    notify_enable: "任务结束时通知我",

    insert: "插入白板",
    frame_option: "生成时在白板上显示占位框",
    frame_waiting: "等待任务…",
    remove_from_board: "从白板移除",
    zoom_in: "放大",
    zoom_out: "缩小",
    zoom_reset: "100%",

    result: "结果",
    result_full_size: "结果原图",
    close: "关闭",

    not_found: "没有这个任务。",
    server_failed: "服务器处理请求失败，请重试。",
    unreachable: "无法连接服务器，请检查网络后重试。",
};

/// The problems the form can show, in Chinese; any other keeps the server's words.
fn field_error(e: &FieldError) -> String {
    match e.code.as_str() {
        "prompt_empty" => "请输入提示词，描述要生成的内容。".into(),
        "prompt_too_long" => format!("提示词最多 {} 个字符。", Prompt::MAX_CHARS),
        "negative_prompt_too_long" => format!("反向提示词最多 {} 个字符。", NegativePrompt::MAX_CHARS),
        "seed_out_of_range" => format!("随机种子须在 0 到 {} 之间。", u32::MAX),
        "variants_out_of_range" => format!("变体数量须在 1 到 {} 之间。", Variants::MAX),
        "duration_out_of_range" => {
            format!("时长须在 {} 到 {} 秒之间。", VideoDuration::MIN, VideoDuration::MAX)
        }
        "not_a_number" => "请输入整数。".into(),
        _ => e.message.clone(),
    }
}

/// What happened to a task, and what to do, by its error's code.
fn failure_words(code: &str) -> Option<&'static str> {
    Some(match code {
        "service_unavailable" => "无法连接生成服务，请稍后再试。",
        "timed_out" => "生成服务用时过长，请重试，或改用更小的尺寸、更短的视频。",
        "storage" => "结果无法保存到服务器，请联系管理员检查磁盘。",
        "interrupted" => "生成过程中服务器多次停止，请重试。",
        "validation" => "生成服务拒绝了这些参数，请修改后重试。",
        "content_policy" => "提示词未通过生成服务的安全审核，请修改后重试。",
        "auth" => "生成服务拒绝了服务器的密钥，请联系管理员检查。",
        "quota" => "生成服务的额度已用完，请稍后再试或联系管理员。",
        "not_found" => "生成服务上没有这个模型，请联系管理员检查模型设置。",
        "protocol" => "生成服务的应答无法识别。",
        "too_large" => "结果超过了服务器接受的大小，请改用更小的尺寸。",
        "generator_error" => "生成服务在生成时出错，请重试，或换用其他参数。",
        "cancelled" => "已取消。",
        _ => return None,
    })
}
