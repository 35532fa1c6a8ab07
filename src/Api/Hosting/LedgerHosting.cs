using Ledger.Api.Endpoints;
using Ledger.Grains.Hosting;
using Ledger.Grains.Log;
using Ledger.Grains.Storage;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Dashboard;

namespace Ledger.Api.Hosting;

/// <summary>The server's wiring: its settings, services, hosted work, health checks and pipeline (STYLE.md 17).</summary>
public static class LedgerHosting
{
    /// <summary>
    /// Request headers beyond this many bytes get a 431 problem from the server itself. Kestrel's
    /// own limit is set at twice this: beyond it Kestrel answers 431 before any of our code runs
    /// (with a problem body, <see cref="KestrelRejections"/>) and closes the connection, maybe before
    /// the client has read the answer; an ordinary oversized header (a cookie, a token) gets the
    /// server's answer on an open connection, with the size it was (docs/API.md "Errors").
    /// </summary>
    public const int MaxRequestHeadersBytes = 32 * 1024;

    public static void AddLedger(this WebApplicationBuilder builder, TimeProvider clock)
    {
        // Lowest precedence: what the server listens on when nothing else says.
        builder.Configuration.Sources.Insert(0, new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource
        {
            InitialData = [new("urls", ServerSettings.DefaultUrls)],
        });
        // A failed start is thrown to whoever started the server (Program.cs prints one line);
        // the host would also log it, stack trace and all.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestHeadersTotalSize = 2 * MaxRequestHeadersBytes;
            // Every address the server listens on, from the urls setting or elsewhere.
            kestrel.ConfigureEndpointDefaults(listen => listen.AnswerRejectionsWithProblems());
        });

        var services = builder.Services;
        services.AddSetting<ServerSettings>((configuration, settings) => configuration.Bind(settings));
        services.AddSetting<DatabaseSettings>((configuration, settings) =>
        {
            configuration.GetSection("Database").Bind(settings);
            settings.ConnectionString = configuration.GetConnectionString("Ledger");
        });
        services.AddSetting<LogSettings>((configuration, settings) => configuration.GetSection("Log").Bind(settings));
        services.AddSetting<RegistrySettings>((configuration, settings) => configuration.GetSection("Registry").Bind(settings));
        services.AddSetting<HealthSettings>((configuration, settings) => configuration.GetSection("Health").Bind(settings));
        services.AddSetting<WitnessSettings>((configuration, settings) => configuration.GetSection("Witness").Bind(settings));
        services.AddSetting<GrainOptions>((configuration, settings) => configuration.GetSection("Grains").Bind(settings));
        services.AddSingleton<IValidateOptions<GrainOptions>, GrainOptionsValidation>();
        services.AddSetting<LedgerSiloOptions>((configuration, settings) => configuration.GetSection("Silo").Bind(settings));
        services.AddSetting<AdminSettings>((configuration, settings) => configuration.GetSection("Admin").Bind(settings));
        services.AddSingleton<IValidateOptions<LedgerSiloOptions>, LedgerSiloOptionsValidation>();
        // Orleans' own timing, e.g. how soon a silo that stopped answering is declared dead
        // (Silo:Membership:ProbeTimeout, NumMissedProbesLimit …) and how long a grain call may take.
        services.Configure<ClusterMembershipOptions>(builder.Configuration.GetSection("Silo:Membership"));
        services.Configure<SiloMessagingOptions>(builder.Configuration.GetSection("Silo:Messaging"));

        // The one clock of everything below, the silo's grains included (LedgerSilo adds the
        // system's only when none is given).
        services.AddSingleton(clock);
        services.AddSingleton<LedgerStartup>();
        // Hosted services start in this order, and Kestrel after them all: the silo (on the
        // database LedgerServer opened), then the registry and the log, then the log's loop.
        builder.UseOrleans(silo =>
        {
            silo.AddLedgerGrains();
            if (DashboardServed(builder.Configuration))
            {
                silo.AddDashboard();
            }
        });
        services.AddHostedService(provider => provider.GetRequiredService<LedgerStartup>());
        services.AddSingleton<BatchedCommandSlots>();
        services.AddSingleton<LogIntegrationService>();
        services.AddHostedService(provider => provider.GetRequiredService<LogIntegrationService>());
        services.AddSingleton(provider => new WitnessCosigner(provider.GetRequiredService<IOptions<WitnessSettings>>().Value,
            provider.GetRequiredService<TimeProvider>(), provider.GetRequiredService<ILogger<WitnessCosigner>>()));
        services.AddSingleton<WitnessSubmissionService>();
        services.AddHostedService(provider => provider.GetRequiredService<WitnessSubmissionService>());
        // What LedgerStartup opened, for the endpoints and the grains; the service provider
        // disposes them in the reverse order they were first asked for (the grains' services
        // before the database).
        services.AddSingleton(provider => provider.GetRequiredService<LedgerStartup>().Database);
        services.AddSingleton(provider => new MerkleLog(provider.GetRequiredService<LedgerDatabase>().DataSource));

        services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>(HealthCheckNames.Database)
            .AddCheck<LogLoopHealthCheck>(HealthCheckNames.Log)
            .AddCheck<CheckpointHealthCheck>(HealthCheckNames.Checkpoint)
            .AddCheck<ClusterHealthCheck>(HealthCheckNames.Cluster);
        services.AddSignedReads();
        services.AddLedgerOpenApi();
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context => Problems.Complete(context.ProblemDetails));
        services.AddExceptionHandler<ExceptionProblems>();
    }

    public static void UseLedger(this WebApplication app)
    {
        // First, so that every byte of a response the application writes is known as its own.
        app.Use(KestrelRejections.MarkAnswer);
        app.UseExceptionHandler();
        app.Use(RefuseOversizedHeaders);
        // Errors without a body of their own (an unknown path, a wrong method) still get a problem body.
        app.UseStatusCodePages();
        app.UsePageFiles();
        // Here rather than where the host would put them by itself (first): inside the exception
        // handler, so that a registry that does not answer a signed read's check is a 503 problem.
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapOpenApi();
        app.MapHealthEndpoints();
        app.MapEntryEndpoints();
        app.MapCommandEndpoints();
        app.MapUnknownCommandEndpoint();
        app.MapCommandBatchEndpoint();
        app.MapViewEndpoints();
        app.MapBankEndpoints();
        app.MapExportEndpoints();
        app.MapLogEndpoints();
        app.MapKeyEndpoints();
        // Not part of the ledger's API: left out of the OpenAPI document.
        if (DashboardServed(app.Configuration))
        {
            app.MapOrleansDashboard(DashboardPath).ExcludeFromDescription().AddEndpointFilter(DashboardFromLoopbackOnly);
        }
    }

    /// <summary><see cref="AdminSettings.Dashboard"/>, read while the silo is being built, before options exist.</summary>
    static bool DashboardServed(IConfiguration configuration) => configuration.GetSection("Admin").Get<AdminSettings>()?.Dashboard ?? false;

    /// <summary>The operators' view of the cluster (Microsoft.Orleans.Dashboard): silos, grains, calls.</summary>
    public const string DashboardPath = "/admin/orleans";

    /// <summary>The dashboard answers this machine only, unless <see cref="AdminSettings.AllowRemoteDashboard"/>.</summary>
    public static async ValueTask<object?> DashboardFromLoopbackOnly(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (http.Connection.RemoteIpAddress is { } remote && !System.Net.IPAddress.IsLoopback(remote)
            && !http.RequestServices.GetRequiredService<IOptions<AdminSettings>>().Value.AllowRemoteDashboard)
        {
            return Problems.Create(StatusCodes.Status404NotFound, Problems.NotFound,
                "nothing is at this path: the API's paths are in docs/API.md and /openapi/v1.json");
        }
        return await next(context);
    }

    static async Task RefuseOversizedHeaders(HttpContext context, RequestDelegate next)
    {
        long size = 0;
        foreach (var (name, values) in context.Request.Headers)
        {
            foreach (var value in values)
            {
                // "name: value\r\n", as the bytes arrived (header values are ASCII or Latin-1).
                size += name.Length + (value?.Length ?? 0) + 4;
            }
        }
        if (size > MaxRequestHeadersBytes)
        {
            await Problems.Create(StatusCodes.Status431RequestHeaderFieldsTooLarge, Problems.RequestHeadersTooLarge,
                $"the request's headers are {size} bytes; at most {MaxRequestHeadersBytes} are read").ExecuteAsync(context);
            return;
        }
        await next(context);
    }
}
