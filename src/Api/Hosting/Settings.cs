using System.ComponentModel.DataAnnotations;
using Ledger.Checkpoints;
using Ledger.Grains.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Ledger.Api.Hosting;

// Every setting of the server (docs/API.md "Settings"), bound from configuration: appsettings.json,
// environment variables (Log__Origin), then the command line (--Log:Origin X). Each is checked at
// start (ValidateOnStart), before any folder or database is touched; a bad value stops the start
// with one line naming the setting. The error messages below name the configuration key.

/// <summary>Where the server keeps its data and where it listens (root keys <c>data</c>, <c>urls</c>).</summary>
public sealed class ServerSettings
{
    [Required(AllowEmptyStrings = false, ErrorMessage = "data must name a folder")]
    public string Data { get; set; } = "data";

    [Required(AllowEmptyStrings = false, ErrorMessage = "urls must name at least one address")]
    [RegularExpression(@"^(https?://[^\s;]+)(;https?://[^\s;]+)*$", ErrorMessage = "urls must be http:// or https:// addresses separated by ';', e.g. http://127.0.0.1:5099")]
    public string Urls { get; set; } = DefaultUrls;

    public const string DefaultUrls = "http://127.0.0.1:5099";

    /// <summary>The data folder as a full path (relative to the current folder).</summary>
    public string DataFolder => Path.GetFullPath(Data);
}

/// <summary>The database: <c>ConnectionStrings:Ledger</c> and the section <c>Database</c>.</summary>
public sealed class DatabaseSettings : IValidatableObject
{
    /// <summary>An Npgsql connection string; none for the local cluster under the data folder (DESIGN.md 10).</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The server's own deadline on connecting to PostgreSQL and on each command.</summary>
    [Range(1, 600, ErrorMessage = "Database:CommandTimeoutSeconds must be a whole number of seconds from 1 to 600")]
    public int CommandTimeoutSeconds { get; set; } = 5;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            yield break;
        }
        string? problem = null;
        try
        {
            _ = new NpgsqlConnectionStringBuilder(ConnectionString);
        }
        catch (ArgumentException e)
        {
            // The message names the offending keyword, never the value (it may hold a password).
            problem = e.Message;
        }
        if (problem is not null)
        {
            yield return new ValidationResult($"ConnectionStrings:Ledger is not an Npgsql connection string: {problem}");
        }
    }
}

/// <summary>The Merkle log's signer (section <c>Log</c>, docs/FORMAT.md §10.3).</summary>
public sealed class LogSettings
{
    /// <summary>The checkpoint origin; none for <c>community-ledger/ROOT_FINGERPRINT</c>.</summary>
    [RegularExpression(@"^[^\s+][^\n]*$", ErrorMessage = "Log:Origin must be one line that does not start with a space or '+' (C2SP signed-note key name)")]
    public string? Origin { get; set; }

    [Range(1, 86_400, ErrorMessage = "Log:CheckpointIntervalSeconds must be a whole number of seconds from 1 to 86400")]
    public int CheckpointIntervalSeconds { get; set; } = 1;
}

/// <summary>
/// The witnesses the server submits each new checkpoint to (section <c>Witness</c>, docs/WITNESS.md):
/// <c>Witness:Witnesses:0:VerifierKey</c>, <c>Witness:Witnesses:0:Url</c>, then 1, 2 …
/// </summary>
public sealed class WitnessSettings : IValidatableObject
{
    public List<WitnessEndpoint> Witnesses { get; set; } = [];

    /// <summary>How long an export, and the server's stop, wait for the witnesses to cosign the checkpoint just signed.</summary>
    [Range(1, 600, ErrorMessage = "Witness:ExportWaitSeconds must be a whole number of seconds from 1 to 600")]
    public int ExportWaitSeconds { get; set; } = 5;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        for (var i = 0; i < Witnesses.Count; i++)
        {
            var key = CosignatureVerifierKey.Parse(Witnesses[i].VerifierKey);
            if (!key.IsValid)
            {
                yield return new ValidationResult($"Witness:Witnesses:{i}:VerifierKey must be a witness's verifier key, name+keyid+base64 of 0x04 and its key (docs/FORMAT.md §10.7): {key.Result}");
            }
            else if (!Uri.TryCreate(Witnesses[i].Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            {
                yield return new ValidationResult($"Witness:Witnesses:{i}:Url must be the witness's http:// or https:// submission prefix, e.g. http://witness.example:7380");
            }
        }
    }
}

/// <summary>One witness: its verifier key, as <c>witness init</c> printed it, and where it serves add-checkpoint.</summary>
public sealed class WitnessEndpoint
{
    public string VerifierKey { get; set; } = "";

    public string Url { get; set; } = "";
}

/// <summary>
/// Whose registry this server keeps (section <c>Registry</c>; README "Production start"). With
/// no root fingerprint the server starts a trial: it makes the registrar's root key itself and
/// opens the registry as a trial. With one, it makes no registrar key and waits for the
/// registrar holding that key to open the registry (<c>registrar open</c>).
/// </summary>
public sealed class RegistrySettings
{
    /// <summary>The key id (docs/FORMAT.md §4.4) of the registrar's root key, as <c>registrar init</c> printed it.</summary>
    [RegularExpression("^[0-9a-f]{32}$", ErrorMessage = "Registry:RootFingerprint must be the root key's fingerprint: 32 lowercase hex digits, as `registrar init` prints it")]
    public string? RootFingerprint { get; set; }

    public bool IsTrial => RootFingerprint is null;
}

/// <summary>The checks behind GET /health (section <c>Health</c>).</summary>
public sealed class HealthSettings : IValidatableObject
{
    /// <summary>How long each check may take before it counts as failed; /health answers within it.</summary>
    [Range(50, 60_000, ErrorMessage = "Health:TimeoutMilliseconds must be from 50 to 60000")]
    public int TimeoutMilliseconds { get; set; } = 800;

    /// <summary>Entries waiting this long for a signed checkpoint make the server degraded.</summary>
    [Range(1, 86_400, ErrorMessage = "Health:CheckpointDegradedAfterSeconds must be a whole number of seconds from 1 to 86400")]
    public int CheckpointDegradedAfterSeconds { get; set; } = 60;

    /// <summary>Entries waiting this long for a signed checkpoint make the server unhealthy.</summary>
    [Range(1, 604_800, ErrorMessage = "Health:CheckpointUnhealthyAfterSeconds must be a whole number of seconds from 1 to 604800")]
    public int CheckpointUnhealthyAfterSeconds { get; set; } = 600;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (CheckpointUnhealthyAfterSeconds <= CheckpointDegradedAfterSeconds)
        {
            yield return new ValidationResult("Health:CheckpointUnhealthyAfterSeconds must be greater than Health:CheckpointDegradedAfterSeconds");
        }
    }
}

/// <summary>The operators' pages (section <c>Admin</c>).</summary>
public sealed class AdminSettings
{
    /// <summary>
    /// Whether the Orleans dashboard is served at all. Off by default: it turns on Orleans'
    /// per-call metrics and a profiler of every grain call, which took the load's peak from
    /// 1,657 to 1,346 commands/s on this project's machine (README "Performance"). An
    /// operator turns it on to look into a cluster, and off again.
    /// </summary>
    public bool Dashboard { get; set; }

    /// <summary>
    /// Whether the Orleans dashboard answers requests from other machines. Off by default: it
    /// shows the cluster's inside and has no sign-in of its own, so only the machine's own
    /// operators reach it unless a proxy with its own access control is put in front.
    /// </summary>
    public bool AllowRemoteDashboard { get; set; }
}

/// <summary>The grains' bounds (section <c>Grains</c>); the record lives with the grains.</summary>
sealed class GrainOptionsValidation : IValidateOptions<GrainOptions>
{
    public ValidateOptionsResult Validate(string? name, GrainOptions options)
    {
        var failures = new List<string>();
        if (options.MaxAttempts < 1)
        {
            failures.Add("Grains:MaxAttempts must be at least 1");
        }
        if (options.MaxReplicas < 1)
        {
            failures.Add("Grains:MaxReplicas must be at least 1");
        }
        if (options.DirectoryCacheSize < 0)
        {
            failures.Add("Grains:DirectoryCacheSize must be 0 (no cache) or more");
        }
        if (options.SnapshotEvery < 1)
        {
            failures.Add("Grains:SnapshotEvery must be at least 1");
        }
        if (options.IdleAfter <= TimeSpan.FromMinutes(1))
        {
            // Orleans' activation collector takes only an age longer than its collection quantum (a minute).
            failures.Add("Grains:IdleAfter must be a time span longer than a minute, e.g. 00:10:00");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>The silo's place in the cluster (section <c>Silo</c>, docs/GRAINS.md).</summary>
sealed class LedgerSiloOptionsValidation : IValidateOptions<LedgerSiloOptions>
{
    public ValidateOptionsResult Validate(string? name, LedgerSiloOptions options)
    {
        var failures = new List<string>();
        if (options.Port is < 0 or > 65_535)
        {
            failures.Add("Silo:Port must be a port number from 0 (a free one) to 65535");
        }
        if (!System.Net.IPAddress.TryParse(options.Address, out _))
        {
            failures.Add("Silo:Address must be an IP address, e.g. 127.0.0.1");
        }
        if (string.IsNullOrWhiteSpace(options.ClusterId))
        {
            failures.Add("Silo:ClusterId must name the cluster");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>
/// Data annotations, reported by their messages alone (each names its key), where the stock
/// validator wraps them in the class and member names.
/// </summary>
sealed class AnnotatedSettingsValidation<T> : IValidateOptions<T>
    where T : class
{
    public ValidateOptionsResult Validate(string? name, T options)
    {
        var results = new List<ValidationResult>();
        return Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(results.Select(r => r.ErrorMessage ?? "a setting is not valid"));
    }
}

public static class SettingsRegistration
{
    /// <summary>
    /// Binds <typeparamref name="T"/> from configuration and checks it at start. A value that
    /// does not convert (Log:CheckpointIntervalSeconds=abc) is reported like a failed check,
    /// with the binder's message, which names the key.
    /// </summary>
    public static OptionsBuilder<T> AddSetting<T>(this IServiceCollection services, Action<IConfiguration, T> bind)
        where T : class
    {
        services.AddSingleton<IValidateOptions<T>, AnnotatedSettingsValidation<T>>();
        return services.AddOptions<T>()
            .Configure<IConfiguration>((options, configuration) =>
            {
                try
                {
                    bind(configuration, options);
                }
                catch (InvalidOperationException e)
                {
                    throw new OptionsValidationException(typeof(T).Name, typeof(T), [e.Message]);
                }
            })
            .ValidateOnStart();
    }
}
