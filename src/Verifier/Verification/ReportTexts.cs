using System.Globalization;
using Ledger.Rules.Catalog;
using Ledger.Rules.Households;
using Ledger.Rules.Projects;
using Ledger.Rules.Registry;

namespace Ledger.Verifier.Verification;

/// <summary>The language a report is written in: Chinese, the street office's and the residents', unless English is asked for.</summary>
public enum ReportLanguage
{
    Chinese = 1,
    English = 2,
}

/// <summary>
/// Every word of the readable report, text and HTML alike, in Chinese and in English, in the
/// words of the domain (docs/DOMAIN.md, and the page's own i18n table: 登记簿, 吊销, 进度款 …).
/// Only the plain words are translated: each finding's technical line, and the report's last
/// line (VALID / INVALID), stay as they are in every language, for scripts and for grep.
/// </summary>
abstract class ReportTexts
{
    public static ReportTexts For(ReportLanguage language) => language == ReportLanguage.English ? EnglishTexts.Instance : ChineseTexts.Instance;

    /// <summary>
    /// What each kind of finding means for the money and the points, in plain words, one line
    /// per kind and both languages side by side. A new <see cref="FindingKind"/> needs its line
    /// here: a test says so.
    /// </summary>
    public static readonly IReadOnlyDictionary<FindingKind, (string Chinese, string English)> FindingMeanings = new Dictionary<FindingKind, (string, string)>
    {
        [FindingKind.EntryMalformed] = ("这条记录不是账本规定的格式，无法读取，可能被改动过或已损坏。",
            "This entry is not in the ledger's format and cannot be read; it was altered or damaged."),
        [FindingKind.HashMismatch] = ("这条记录的内容与保存的哈希（指纹）不符，说明记录写入后被改动过。",
            "This entry's content does not match its stored hash (its fingerprint); it was changed after it was written."),
        [FindingKind.SequenceBroken] = ("账本的记录编号跳号或重号，说明有记录被删除、插入或重复。",
            "The stream's entry numbers skip or repeat; an entry was removed, inserted or duplicated."),
        [FindingKind.ChainBroken] = ("这条记录与前一条记录接不上，说明前面的记录被改动、删除或替换过。",
            "This entry does not link to the one before it; an earlier entry was changed, removed or replaced."),
        [FindingKind.ManifestMismatch] = ("导出的清单与记录对不上（条数、账本或校验值），导出不完整或被改动过。",
            "The export's manifest disagrees with the entries (counts, streams or checksum); the export is incomplete or was altered."),
        [FindingKind.RootKeyMismatch] = ("登记簿的根密钥（街道管理员的密钥）不是应当信任的那一把，这可能不是街道的账本，或者根密钥被换过。",
            "The registry's root key (the registrar's key) is not the one to trust; this may not be the street office's ledger, or its root key was swapped."),
        [FindingKind.KeyUnknown] = ("签这条记录的密钥没有登记在签名人名下，不能证明是本人所为。",
            "The key that signed this entry was not registered to its signer; nothing shows that this person asked for it."),
        [FindingKind.SignatureInvalid] = ("这条记录的签名不是登记的密钥所签，说明记录在签名后被改动过，或是伪造的。",
            "This entry's signature was not made by the registered key; the entry was changed after it was signed, or forged."),
        [FindingKind.KeyRevoked] = ("签这条记录的密钥在记账之前已被吊销，不应再被接受。",
            "The key that signed this entry had been revoked before the entry was recorded, and must not be accepted."),
        [FindingKind.IssuedOutsideWindow] = ("签字时间与记账时间相差超过 5 分钟，可能是旧的指令被重新提交，或者时间被改过。",
            "The command was signed more than 5 minutes away from when it was recorded; an old command sent again, or a time changed."),
        [FindingKind.RoleMissing] = ("签名人当时没有做这件事的职责（角色），例如不是监理的人签了拨付。",
            "The signer did not hold the role this needs at the time, such as someone who is not the construction supervisor signing a payment."),
        [FindingKind.RuleViolation] = ("这笔操作违反账目规则，例如拨付超过已解锁的款项或已到账的钱、重复付款、积分余额变成负数。",
            "This operation breaks the ledger's rules, such as paying beyond the unlocked tranche or the money received, paying twice, or a points balance below zero."),
        [FindingKind.EntriesDisagreeWithRules] = ("记下的内容与签字的指令不符，例如金额被改、居民缴款只记了一方、多出一条记录。",
            "What was written is not what the signed command decides, such as an amount changed, one side of a resident's payment missing, or an extra entry."),
        [FindingKind.CommandReplayed] = ("同一个人的同一条指令被记了两次，例如一笔付款或一次积分奖励被重复记账。",
            "The same command of one person was recorded twice, such as a payment or a points award entered twice."),
        [FindingKind.RecordedTimeInconsistent] = ("同一次操作的几条记录记账时间不同，说明记录被拆开或改过时间。",
            "The entries of one operation carry different recorded times; they were split up or re-dated."),
        [FindingKind.LogBroken] = ("总日志的编号跳号或重号，说明有记录被删除、插入或重复。",
            "The global log's positions skip or repeat; an entry was removed, inserted or duplicated."),
        [FindingKind.CheckpointInvalid] = ("检查点不是由日志密钥签发的，或日志密钥不是指定的那一把，因此不能证明这段历史曾经公布过。",
            "A checkpoint was not signed by the log key, or the log key is not the pinned one; nothing shows that this history was ever published."),
        [FindingKind.CheckpointMismatch] = ("账目与已签发的检查点不符，说明检查点公布之后，历史被改动、截短或藏起了一部分。",
            "The entries disagree with a signed checkpoint; history was changed, cut short or partly hidden after it was published."),
        [FindingKind.ManifestMalformed] = ("导出的清单文件 manifest.json 不是规定的格式。",
            "The export's manifest file, manifest.json, is not in the required form."),
        [FindingKind.PinnedCheckpointNotContained] = ("账目里没有您指定的检查点（例如公告栏上的那一个）所签的那段历史：记录比它少，或同样条数的记录与它不符，说明公布过的账目被截短、改动或藏起了一部分。",
            "The ledger does not hold the history the checkpoint you pinned (the notice board's, say) signed: fewer entries, or the same number that disagree with it; what was published was cut, changed or partly hidden."),
        [FindingKind.EntriesBeyondCheckpoint] = ("最新的检查点之后还有记录，没有任何签名证明它们曾经公布过。",
            "There are entries after the newest checkpoint; no signature shows they were ever published."),
        [FindingKind.CheckpointNotUnderNamedKey] = ("检查点不是由登记簿为它指定的日志密钥签发的：街道管理员签字指定的是另一把密钥，这个检查点不能证明这段历史曾经公布过。",
            "A checkpoint is not signed by the log key the registry names for it: the registrar named another key, so nothing shows this history was published."),
        [FindingKind.LogKeyNotNamed] = ("日志密钥没有经街道管理员在登记簿中签字指定：检查点或清单用的密钥无从核实是谁的。",
            "The log key was never named by the registrar in the registry: nothing shows whose key signed the checkpoints or the manifest's key."),
        [FindingKind.RecordedTimeWentBack] = ("这条记录的记账时间比它前面的记录早了 2 秒以上：记录的时间被倒拨过，例如把验收日期写到几年以后，提前支付质保金。",
            "This entry is recorded more than 2 seconds before an entry ahead of it in the log: its time was turned back, e.g. an acceptance dated years ahead so that the warranty tranche was paid early."),
        [FindingKind.CheckpointShortOfQuorum] = ("检查点没有得到足够多的见证方（例如居民委员会、审计方）的联署：不能证明每位居民看到的是同一段历史，它可能是被截短或分叉后重新签发的。",
            "A checkpoint lacks the cosignatures of enough witnesses (the residents' committee, an auditor): nothing shows every resident was shown this same history; it may have been cut back or forked and signed again."),
    };

    /// <summary>The value of the HTML lang attribute.</summary>
    public abstract string HtmlLanguage { get; }

    public abstract string Title { get; }

    public string Meaning(FindingKind kind) =>
        FindingMeanings.TryGetValue(kind, out var meaning) ? Pick(meaning)
            // The verifier never fails for want of a sentence: a kind added without one still reads.
            : Unexplained(kind);

    protected abstract string Pick((string Chinese, string English) texts);

    protected abstract string Unexplained(FindingKind kind);

    // The verdict block, first in the report.
    public abstract string Agree(long entries, int streams, int checkpoints);

    public abstract string Intact(long entries, int streams, int checkpoints);

    public abstract string Disagree(long findings, long entries, int streams, int checkpoints);

    public abstract string WrongRootKey(string pinned, string found);

    public abstract string NoRegistry { get; }

    public abstract string RootKeyNotPinnedWarning(string found);

    public abstract string WrongLogKey(string pinned, string named);

    /// <summary>What a trial ledger's report says at its top (FORMAT.md §12).</summary>
    public abstract string Trial { get; }

    // What was checked.
    public abstract string CheckedHeading { get; }

    public abstract string Source(string source);

    public abstract string Counts(long entries, int streams);

    public abstract string RootKeyMatches(string rootKeyId);

    public abstract string RootKeyDiffers(string rootKeyId, string pinned);

    public abstract string RootKeyNotPinned(string rootKeyId);

    public abstract string NoLogKey { get; }

    public abstract string Checkpoints(int count, string latest, string logKey);

    public abstract string LogKeyPinned { get; }

    public abstract string LogKeyNotPinned { get; }

    public abstract string LogKeyDiffers(string named);

    public abstract string PinnedCheckpoints(int count);

    public abstract string EntriesBeyondCheckpoint(long count);

    public abstract string WitnessQuorum(int quorum, int witnesses);

    public abstract string HashOnly { get; }

    public abstract string AuditedAt(DateTimeOffset at, string version);

    // The figures.
    public abstract string ProjectsHeading { get; }

    public abstract string Project(string projectId, string name, string status, string contract);

    public abstract string Planned { get; }

    public abstract string Received { get; }

    public abstract string Cap { get; }

    public abstract string Paid { get; }

    public abstract string Locked { get; }

    public abstract string Tranche(string tranche);

    public abstract string ProjectTotals(string received, string paid, string pending, string available);

    /// <summary>Restricted funds: the drawing rule named, as the line that opens their figures.</summary>
    public abstract string RestrictedFunds(string drawing);

    public abstract string SourceSpent(string source, string spent);

    public abstract string PaymentDrawn(long disbursementId, string category, string amount, string drawn);

    public abstract string ListSeparator { get; }

    public abstract string HouseholdsHeading { get; }

    public abstract string Share(string projectId, string paid, string share, string due);

    public abstract string NoShares { get; }

    public abstract string Points(long balance);

    public abstract string Household { get; }

    public abstract string Shares { get; }

    public abstract string PointsBalance { get; }

    /// <summary>A status, funding source or tranche as the notice board names it.</summary>
    public abstract string Name(string value);

    // The findings.
    public abstract string FindingsHeading(long count);

    public abstract string Place(string? stream, long? sequence, long? logPosition);

    public abstract string NotListed(long count, FindingKind kind);

    public abstract string MeaningColumn { get; }

    public abstract string TechnicalColumn { get; }

    protected static string N(long value) => value.ToString(CultureInfo.InvariantCulture);

    protected static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>A stream id split into what it is and whose: FORMAT.md §5's project/…, household/…, registry, catalog.</summary>
    protected static (string Kind, string? Id) StreamOf(string stream) =>
        stream.StartsWith(ProjectRules.StreamOf(""), StringComparison.Ordinal) ? ("project", stream[ProjectRules.StreamOf("").Length..])
        : stream.StartsWith(HouseholdRules.StreamOf(""), StringComparison.Ordinal) ? ("household", stream[HouseholdRules.StreamOf("").Length..])
        : stream == RegistryRules.Stream ? ("registry", null)
        : stream == CatalogRules.Stream ? ("catalog", null)
        : ("other", stream);

    sealed class ChineseTexts : ReportTexts
    {
        public static readonly ChineseTexts Instance = new();

        static readonly Dictionary<string, string> Names = new(StringComparer.Ordinal)
        {
            ["GovernmentSubsidy"] = "政府补贴", ["SocialCapital"] = "社会资本", ["ResidentCrowdfunding"] = "居民众筹", ["SelfRaised"] = "自筹资金",
            ["Progress"] = "进度款", ["Acceptance"] = "验收款", ["Warranty"] = "质保金",
            ["Open"] = "进行中", ["Closed"] = "已结项", ["Cancelled"] = "已取消", ["NotOpened"] = "未立项",
            ["InOrder"] = "按顺序", ["ProRata"] = "按比例",
            ["Equipment"] = "设备", ["Installation"] = "安装施工", ["Design"] = "设计", ["Supervision"] = "监理", ["Other"] = "其他",
        };

        public override string HtmlLanguage => "zh-CN";
        public override string Title => "社区账本核对报告";
        protected override string Pick((string Chinese, string English) texts) => texts.Chinese;
        protected override string Unexplained(FindingKind kind) => $"发现一处不一致（{kind}），见右侧技术信息。";

        public override string Agree(long entries, int streams, int checkpoints) =>
            $"账目一致：核对了 {N(entries)} 条记录、{N(streams)} 个账本、{N(checkpoints)} 个检查点，没有发现不一致。";
        public override string Intact(long entries, int streams, int checkpoints) =>
            $"记录完整：核对了 {N(entries)} 条记录、{N(streams)} 个账本、{N(checkpoints)} 个检查点的哈希和链接，没有发现不一致；签名和账目规则没有核对（--hash-only）。";
        public override string Disagree(long findings, long entries, int streams, int checkpoints) =>
            $"发现 {N(findings)} 处不一致：核对了 {N(entries)} 条记录、{N(streams)} 个账本、{N(checkpoints)} 个检查点。";
        public override string WrongRootKey(string pinned, string found) =>
            $"根密钥不符：您用 --root-key 指定的是 {pinned}，这份账目的登记簿却以 {found} 开启。这不是您要核对的账本，或者根密钥被换过，报告中的其他结论都不可信。";
        public override string NoRegistry => "没有登记簿：这份账目没有可以信任的根密钥，报告中的其他结论都不可信。";
        public override string RootKeyNotPinnedWarning(string found) =>
            $"注意：没有指定根密钥。请把根密钥指纹 {found} 与街道公布的指纹比对，一致后再用 --root-key {found} 核对一次。";
        public override string WrongLogKey(string pinned, string named) =>
            $"日志密钥不符：您用 --log-key 指定的是 {pinned}，这份账目给出的却是 {named}；检查点按您指定的密钥核对。";

        public override string Trial =>
            "试运行：这本账目以试运行方式开启，登记员（街道管理员）的根密钥由服务器生成并保存在服务器上。即使核对一致，也只说明运营方遵守了账目规则，不能防止运营方篡改历史。";

        public override string CheckedHeading => "核对内容";
        public override string Source(string source) => $"核对对象：{source}";
        public override string Counts(long entries, int streams) => $"共 {N(entries)} 条记录，分属 {N(streams)} 个账本。";
        public override string RootKeyMatches(string rootKeyId) => $"根密钥 {rootKeyId}：与指定的密钥一致。";
        public override string RootKeyDiffers(string rootKeyId, string pinned) => $"根密钥 {rootKeyId}：与指定的密钥 {pinned} 不一致。";
        public override string RootKeyNotPinned(string rootKeyId) =>
            $"根密钥 {rootKeyId}：未指定——请与街道公布的指纹比对，再用 --root-key {rootKeyId} 核对一次。";
        public override string NoLogKey => "没有日志密钥，也没有签名检查点：不能证明这段历史就是日志签发过的那一段。";
        public override string Checkpoints(int count, string latest, string logKey) =>
            $"签名检查点 {N(count)} 个，最新的覆盖前 {latest} 条记录，日志密钥 {logKey}";
        public override string LogKeyPinned => "（已指定）。";
        public override string LogKeyNotPinned => "（未指定——请与街道公布的日志密钥比对，再用 --log-key 核对一次）。";
        public override string LogKeyDiffers(string named) => $"（已指定；这份账目给出的是另一把：{named}）。";
        public override string PinnedCheckpoints(int count) => $"用 --checkpoint 指定了 {N(count)} 个检查点：账目必须包含每一个所签的那棵树。";
        public override string EntriesBeyondCheckpoint(long count) => $"最新检查点之后还有 {N(count)} 条记录，尚无签名覆盖。";
        public override string WitnessQuorum(int quorum, int witnesses) => $"检查点须有 {N(witnesses)} 个见证方中至少 {N(quorum)} 个的有效联署才算数（--witness、--quorum）。";
        public override string HashOnly => "只核对了哈希（--hash-only）：没有核对签名、密钥、角色、幂等键和账目规则，也没有重算项目和住户的数字。";
        public override string AuditedAt(DateTimeOffset at, string version) => $"核对时间 {Time(at)}，核对程序 Verifier {version}。";

        public override string ProjectsHeading => "项目";
        public override string Project(string projectId, string name, string status, string contract) => $"项目 {projectId}——{name}（{status}），合同价 {contract}";
        public override string Planned => "计划";
        public override string Received => "已到账";
        public override string Cap => "累计上限";
        public override string Paid => "已拨付";
        public override string Locked => "（未解锁）";
        public override string Tranche(string tranche) => Name(tranche);
        public override string ProjectTotals(string received, string paid, string pending, string available) =>
            $"已到账 {received}，已拨付 {paid}，待拨付 {pending}，可用余额 {available}";
        public override string RestrictedFunds(string drawing) => $"资金限定用途，拨付时{drawing}从允许的来源支取：";
        public override string SourceSpent(string source, string spent) => $"{source}已支付：{spent}";
        public override string PaymentDrawn(long disbursementId, string category, string amount, string drawn) =>
            $"第 {N(disbursementId)} 号拨付（{category}）{amount}，来自：{drawn}";
        public override string ListSeparator => "，";
        public override string HouseholdsHeading => "住户：众筹份额已缴 / 应缴，积分余额";
        public override string Share(string projectId, string paid, string share, string due) => $"{projectId} 已缴 {paid} / 应缴 {share}，未缴 {due}";
        public override string NoShares => "无众筹份额";
        public override string Points(long balance) => $"积分 {N(balance)}";
        public override string Household => "住户";
        public override string Shares => "众筹份额";
        public override string PointsBalance => "积分余额";
        public override string Name(string value) => Names.GetValueOrDefault(value, value);

        public override string FindingsHeading(long count) => $"不一致之处（共 {N(count)} 处）";
        public override string Place(string? stream, long? sequence, long? logPosition)
        {
            var record = sequence is { } s ? $"第 {N(s)} 号记录" : logPosition is { } p ? $"日志第 {N(p)} 号记录" : null;
            var book = stream is null ? null : StreamOf(stream) switch
            {
                ("project", var id) => $"项目 {id} 的账本",
                ("household", var id) => $"住户 {id} 的账本",
                ("registry", _) => "登记簿",
                ("catalog", _) => "积分兑换目录",
                (_, var id) => $"账本 {id}",
            };
            return (book, record) switch
            {
                (null, null) => "",
                (null, { } r) => $"{r}：",
                ({ } b, null) => $"{b}：",
                ({ } b, { } r) => $"{b}{r}：",
            };
        }
        public override string NotListed(long count, FindingKind kind) => $"另有 {N(count)} 处同类不一致（{kind}）未列出：每类只列出前 {N(LedgerAudit.MaxFindingsPerKind)} 处。";
        public override string MeaningColumn => "说明";
        public override string TechnicalColumn => "技术信息";
    }

    sealed class EnglishTexts : ReportTexts
    {
        public static readonly EnglishTexts Instance = new();

        static readonly Dictionary<string, string> Names = new(StringComparer.Ordinal)
        {
            ["GovernmentSubsidy"] = "Government subsidy", ["SocialCapital"] = "Social capital", ["ResidentCrowdfunding"] = "Resident crowdfunding",
            ["SelfRaised"] = "Self-raised", ["NotOpened"] = "Not opened", ["InOrder"] = "in order", ["ProRata"] = "pro rata",
        };

        public override string HtmlLanguage => "en";
        public override string Title => "Community ledger audit report";
        protected override string Pick((string Chinese, string English) texts) => texts.English;
        protected override string Unexplained(FindingKind kind) => $"An inconsistency ({kind}): see its technical line.";

        public override string Agree(long entries, int streams, int checkpoints) =>
            $"The accounts agree: {N(entries)} entries in {N(streams)} streams and {N(checkpoints)} checkpoint(s) checked, no inconsistency found.";
        public override string Intact(long entries, int streams, int checkpoints) =>
            $"The records are intact: the hashes and links of {N(entries)} entries in {N(streams)} streams and {N(checkpoints)} checkpoint(s) checked, no inconsistency found; signatures and rules were not checked (--hash-only).";
        public override string Disagree(long findings, long entries, int streams, int checkpoints) =>
            $"{N(findings)} {(findings == 1 ? "inconsistency" : "inconsistencies")} found: {N(entries)} entries in {N(streams)} streams and {N(checkpoints)} checkpoint(s) checked.";
        public override string WrongRootKey(string pinned, string found) =>
            $"Wrong root key: you pinned {pinned} with --root-key, but this ledger's registry was opened with {found}. This is not the ledger you meant to check, or its root key was swapped: nothing else in this report can be trusted.";
        public override string NoRegistry => "No registry: this ledger has no root key to trust, so nothing else in this report can be trusted.";
        public override string RootKeyNotPinnedWarning(string found) =>
            $"Note: no root key was pinned. Compare the fingerprint {found} with the one the street office publishes, then run again with --root-key {found}.";
        public override string WrongLogKey(string pinned, string named) =>
            $"Wrong log key: you pinned {pinned} with --log-key, but this ledger names {named}; its checkpoints were checked against the key you pinned.";

        public override string Trial =>
            "TRIAL: this ledger was opened as a trial; the registrar's root key was made and kept on the server. Even when everything checks out, it shows only that the operator kept the rules, not that the operator could not have rewritten history.";

        public override string CheckedHeading => "What was checked";
        public override string Source(string source) => $"Audit of {source}";
        public override string Counts(long entries, int streams) => $"{N(entries)} entries in {N(streams)} streams.";
        public override string RootKeyMatches(string rootKeyId) => $"Root key {rootKeyId}: matches the pinned key.";
        public override string RootKeyDiffers(string rootKeyId, string pinned) => $"Root key {rootKeyId}: does NOT match the pinned key {pinned}.";
        public override string RootKeyNotPinned(string rootKeyId) =>
            $"Root key {rootKeyId}: NOT pinned — compare this fingerprint with the one the street office publishes, then run again with --root-key {rootKeyId}.";
        public override string NoLogKey => "No log key and no signed checkpoints: nothing shows that this history is the one the log signed.";
        public override string Checkpoints(int count, string latest, string logKey) =>
            $"{N(count)} signed checkpoint(s), the latest at {latest} entries, checked against log key {logKey}";
        public override string LogKeyPinned => " (pinned).";
        public override string LogKeyNotPinned => " — NOT pinned: compare it with the one the street office publishes, then run again with --log-key.";
        public override string LogKeyDiffers(string named) => $" (pinned; this ledger names another: {named}).";
        public override string PinnedCheckpoints(int count) => $"{N(count)} checkpoint(s) pinned with --checkpoint: the entries must hold the tree each one signs.";
        public override string EntriesBeyondCheckpoint(long count) => $"{N(count)} entries after the latest checkpoint, under no signature yet.";
        public override string WitnessQuorum(int quorum, int witnesses) => $"A checkpoint counts only with valid cosignatures by {N(quorum)} of the {N(witnesses)} witness(es) given (--witness, --quorum).";
        public override string HashOnly =>
            "Hash-only (--hash-only): no signature, key, role, idempotency key or rule was checked, and no figures are shown, since no command was replayed.";
        public override string AuditedAt(DateTimeOffset at, string version) => $"Audited at {Time(at)} by Verifier {version}.";

        public override string ProjectsHeading => "Projects";
        public override string Project(string projectId, string name, string status, string contract) => $"Project {projectId} — {name} ({status}), contract {contract}";
        public override string Planned => "planned";
        public override string Received => "received";
        public override string Cap => "cap";
        public override string Paid => "paid";
        public override string Locked => "(locked)";
        public override string Tranche(string tranche) => tranche + " tranche";
        public override string ProjectTotals(string received, string paid, string pending, string available) =>
            $"received {received}, paid {paid}, pending {pending}, available {available}";
        public override string RestrictedFunds(string drawing) => $"Restricted funds: each payment draws {drawing} on the sources permitted for its category.";
        public override string SourceSpent(string source, string spent) => $"{source} paid for: {spent}";
        public override string PaymentDrawn(long disbursementId, string category, string amount, string drawn) =>
            $"Payment #{N(disbursementId)} ({category}) {amount} came from: {drawn}";
        public override string ListSeparator => ", ";
        public override string HouseholdsHeading => "Households: share paid / due, points balance";
        public override string Share(string projectId, string paid, string share, string due) => $"{projectId} paid {paid} of {share}, due {due}";
        public override string NoShares => "no shares";
        public override string Points(long balance) => $"points {N(balance)}";
        public override string Household => "Household";
        public override string Shares => "Crowdfunding shares";
        public override string PointsBalance => "Points balance";
        public override string Name(string value) => Names.GetValueOrDefault(value, value);

        public override string FindingsHeading(long count) => $"Findings ({N(count)})";
        public override string Place(string? stream, long? sequence, long? logPosition)
        {
            var record = sequence is { } s ? $"entry {N(s)}" : logPosition is { } p ? $"log position {N(p)}" : null;
            var book = stream is null ? null : StreamOf(stream) switch
            {
                ("project", var id) => $"project {id}",
                ("household", var id) => $"household {id}",
                ("registry", _) => "the registry",
                ("catalog", _) => "the points catalog",
                (_, var id) => $"stream {id}",
            };
            return (book, record) switch
            {
                (null, null) => "",
                (null, { } r) => $"At {r}: ",
                ({ } b, null) => $"In {b}: ",
                ({ } b, { } r) => $"In {b}, {r}: ",
            };
        }
        public override string NotListed(long count, FindingKind kind) =>
            $"{N(count)} more of the same kind ({kind}) are not listed: the first {N(LedgerAudit.MaxFindingsPerKind)} of each kind are.";
        public override string MeaningColumn => "What it means";
        public override string TechnicalColumn => "Technical detail";
    }
}
