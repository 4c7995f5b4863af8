//! The words of workspaces, members, invites and API tokens, in each language: a part of
//! [`Text`](super::Text) kept apart so that neither file grows past reading.

use crate::domain::Role;

pub struct TeamText {
    pub workspace: &'static str,
    pub personal: &'static str,
    /// "3 members".
    pub members_count: fn(u32) -> String,
    pub new_workspace: &'static str,
    pub workspace_name: &'static str,
    pub create: &'static str,
    pub settings: &'static str,
    pub members: &'static str,
    pub role: fn(Role) -> &'static str,
    /// What a role may do, beside the invite's role picker.
    pub role_hint: fn(Role) -> &'static str,
    pub you: &'static str,
    pub remove: &'static str,
    pub leave: &'static str,
    pub invite_as: &'static str,
    pub make_link: &'static str,
    pub link_once: &'static str,
    pub copy: &'static str,
    pub copied: &'static str,
    pub pending_invites: &'static str,
    /// "expires 2026-12-13".
    pub expires: fn(&str) -> String,
    pub withdraw: &'static str,
    pub personal_alone: &'static str,
    pub tokens: &'static str,
    pub tokens_hint: &'static str,
    pub token_name: &'static str,
    pub make_token: &'static str,
    pub token_once: &'static str,
    /// "last used 2026-12-06 10:15".
    pub last_used: fn(&str) -> String,
    pub never_used: &'static str,
    pub revoke: &'static str,
    /// "ann invited you to Studio as an editor."
    pub join_offer: fn(&str, &str, Role) -> String,
    pub join: &'static str,
    pub sign_in_to_join: &'static str,
    /// "You are a viewer in Studio: …"
    pub viewer_note: fn(&str) -> String,
    /// A row's author: "by bob".
    pub by: fn(&str) -> String,
    pub forbidden: &'static str,
    pub bad_token: &'static str,
    pub invite_invalid: &'static str,
    pub budget_exhausted: &'static str,
    /// The workspace's own daily budget, in the settings.
    pub budget: &'static str,
    pub budget_hint: &'static str,
    /// "No budget of its own: each person's own applies."
    pub budget_none: &'static str,
    /// "30 units a day"
    pub budget_set: fn(u32) -> String,
    pub budget_save: &'static str,
}

pub const EN: TeamText = TeamText {
    workspace: "Workspace",
    personal: "Personal",
    members_count: |n| if n == 1 { "1 member".into() } else { format!("{n} members") },
    new_workspace: "New workspace",
    workspace_name: "Name",
    create: "Create",
    settings: "Members and tokens",
    members: "Members",
    role: |r| match r {
        Role::Owner => "Owner",
        Role::Editor => "Editor",
        Role::Viewer => "Viewer",
    },
    role_hint: |r| match r {
        Role::Owner => "manages members, submits and manages tasks",
        Role::Editor => "submits and manages every task and the board",
        Role::Viewer => "sees tasks and the board, downloads results",
    },
    you: "you",
    remove: "Remove",
    leave: "Leave workspace",
    invite_as: "Invite as",
    make_link: "Create invite link",
    link_once: "Send this link to one person. It works once, for 7 days, and is shown only now.",
    copy: "Copy",
    copied: "Copied",
    pending_invites: "Pending invites",
    expires: |date| format!("expires {date}"),
    withdraw: "Withdraw",
    personal_alone: "Your personal workspace is yours alone. Create a workspace to share with others.",
    tokens: "API tokens",
    tokens_hint: "For scripts: send Authorization: Bearer <token>. A token acts as you, in this workspace.",
    token_name: "Token name",
    make_token: "Create token",
    token_once: "Copy this token now; it will not be shown again.",
    last_used: |at| format!("last used {at}"),
    never_used: "never used",
    revoke: "Revoke",
    join_offer: |by, ws, role| {
        let role = match role {
            Role::Owner => "an owner",
            Role::Editor => "an editor",
            Role::Viewer => "a viewer",
        };
        format!("{by} invited you to {ws} as {role}.")
    },
    join: "Join",
    sign_in_to_join: "Sign in or create an account to join.",
    viewer_note: |ws| format!("You are a viewer in {ws}: you can see and download. An owner can make you an editor."),
    by: |name| format!("by {name}"),
    forbidden: "Your role in this workspace does not allow that.",
    bad_token: "The API token is unknown or was revoked.",
    invite_invalid: "This invite link is unknown, was used already or has expired. Ask for a new one.",
    budget_exhausted:
        "Today's budget for paid generation is used up (yours, or this workspace's). It renews at midnight UTC.",
    budget: "Daily budget",
    budget_hint: "Units of paid generation this workspace's members may use a day, all together (an image is 1, a \
        video 1 a second at 480p, 2 at 720p). Leave empty for none.",
    budget_none: "No budget of its own: each person's own applies.",
    budget_set: |n| if n == 1 { "1 unit a day".into() } else { format!("{n} units a day") },
    budget_save: "Save",
};

pub const ZH: TeamText = TeamText {
    workspace: "工作区",
    personal: "个人",
    members_count: |n| format!("{n} 位成员"),
    new_workspace: "新建工作区",
    workspace_name: "名称",
    create: "创建",
    settings: "成员与令牌",
    members: "成员",
    role: |r| match r {
        Role::Owner => "所有者",
        Role::Editor => "编辑者",
        Role::Viewer => "查看者",
    },
    role_hint: |r| match r {
        Role::Owner => "管理成员，提交并管理任务",
        Role::Editor => "提交并管理所有任务和白板",
        Role::Viewer => "查看任务和白板，下载结果",
    },
    you: "你",
    remove: "移除",
    leave: "退出工作区",
    invite_as: "邀请身份",
    make_link: "创建邀请链接",
    link_once: "把这个链接发给一个人。它只能用一次，7 天内有效，并且只显示这一次。",
    copy: "复制",
    copied: "已复制",
    pending_invites: "待接受的邀请",
    expires: |date| format!("{date} 过期"),
    withdraw: "撤回",
    personal_alone: "个人工作区只属于你。要与他人共享，请新建一个工作区。",
    tokens: "API 令牌",
    tokens_hint: "供脚本使用：发送 Authorization: Bearer <令牌>。令牌在此工作区中代表你。",
    token_name: "令牌名称",
    make_token: "创建令牌",
    token_once: "请立即复制此令牌，它不会再次显示。",
    last_used: |at| format!("最近使用 {at}"),
    never_used: "从未使用",
    revoke: "吊销",
    join_offer: |by, ws, role| {
        let role = match role {
            Role::Owner => "所有者",
            Role::Editor => "编辑者",
            Role::Viewer => "查看者",
        };
        format!("{by} 邀请你以{role}身份加入 {ws}。")
    },
    join: "加入",
    sign_in_to_join: "请先登录或创建账户再加入。",
    viewer_note: |ws| format!("你是 {ws} 的查看者：可以查看和下载。所有者可以把你设为编辑者。"),
    by: |name| format!("{name} 提交"),
    forbidden: "你在此工作区的角色不允许这样做。",
    bad_token: "API 令牌无效或已被吊销。",
    invite_invalid: "邀请链接无效、已被使用或已过期，请索取新的链接。",
    budget_exhausted: "今天的付费生成额度（你的或此工作区的）已用完，将在 UTC 午夜恢复。",
    budget: "每日额度",
    budget_hint: "此工作区成员每天合计可用的付费生成单位（图片 1，视频 480p 每秒 1、720p 每秒 2）。留空表示不设。",
    budget_none: "此工作区未设额度：按每个人自己的额度。",
    budget_set: |n| format!("每天 {n} 单位"),
    budget_save: "保存",
};
