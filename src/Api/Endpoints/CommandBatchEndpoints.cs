using System.Text.Json;
using Ledger.Api.Contracts;
using Ledger.Api.Hosting;
using Ledger.Canonical;
using Ledger.Entries;
using Ledger.Grains.Hosting;
using Ledger.Rules;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Ledger.Api.Endpoints;

/// <summary>
/// Many signed commands in one request (docs/API.md "Batches"): the coordinator's awards after
/// an event, imports and other bulk work, in one round trip. Each command is executed on its
/// own, exactly as its own route (<see cref="CommandEndpoints"/>) executes it, and answered as
/// that route would have answered it; commands on different streams run at once, so that their
/// entries share group commits (DESIGN.md "Known pitfalls": throughput comes from batching).
/// </summary>
public static class CommandBatchEndpoints
{
    public const string Route = "/v1/commands";

    public const string Name = "CommandBatch";

    /// <summary>A batch holds at most this many commands: a building's households, or an import's share of one.</summary>
    public const int MaxCommands = 500;

    /// <summary>
    /// At most this many commands of all the batches a server is given are executed at once:
    /// enough to fill group commits, few enough that each command's database work meets the
    /// deadline it has alone (<c>Database:CommandTimeoutSeconds</c>) rather than queueing for
    /// connections behind the rest. A limit per batch let eight batches of 100 at once miss it
    /// (503 for most of their commands, bench load --batch 100 --clients 8); the rest wait their turn.
    /// </summary>
    public const int MaxCommandsAtOnce = 64;

    /// <summary>A batch is at most this big, <see cref="MaxCommands"/> times 16 KiB (an award is about 500 bytes); each command in it at most <see cref="CommandEndpoints.MaxCommandBytes"/>.</summary>
    public const int MaxBatchBytes = MaxCommands * 16 * 1024;

    static readonly JsonReaderOptions StrictReading = new()
    {
        CommentHandling = JsonCommentHandling.Disallow,
        AllowTrailingCommas = false,
        MaxDepth = CanonicalJson.MaxDepth + 1,
    };

    public static void MapCommandBatchEndpoint(this IEndpointRouteBuilder routes) =>
        routes.MapPost(Route, (HttpRequest request, LedgerGrains grains, BatchedCommandSlots slots, IOptions<DatabaseSettings> database,
                IOptions<RegistrySettings> registry, ILogger<ExceptionProblems> logger, CancellationToken cancellationToken) =>
                ExecuteAsync(request, grains, slots, TimeSpan.FromSeconds(database.Value.CommandTimeoutSeconds), registry.Value, logger, cancellationToken))
            .WithName(Name)
            .WithSummary($"Execute up to {MaxCommands} signed commands in one request, each on its own, each with its own result.")
            .WithDescription("The body is a JSON array of signed commands of any types. Each is executed as its own route "
                + "(POST /v1/commands/{Type}) executes it, with the same authorization, idempotency and result codes; commands on different "
                + "streams at once, commands on a stream they share in the order sent. The answer lists each command's result in that order: "
                + "its status and its acknowledgement or problem. A body that is not a JSON array of JSON objects executes nothing. See docs/API.md \"Batches\".")
            .WithTags("Batches")
            .Accepts<IReadOnlyList<SignedCommandRequest>>("application/json")
            .Produces<CommandBatchResults>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);

    static async Task<Results<Ok<CommandBatchResults>, ProblemHttpResult>> ExecuteAsync(HttpRequest request, LedgerGrains grains,
        BatchedCommandSlots slots, TimeSpan deadline, RegistrySettings registry, ILogger logger, CancellationToken cancellationToken)
    {
        var body = await RequestBodies.ReadAsync(request, MaxBatchBytes, cancellationToken);
        if (body is null)
        {
            return Problems.Create(StatusCodes.Status413PayloadTooLarge, Problems.PayloadTooLarge,
                $"a batch is at most {MaxBatchBytes} bytes: send its commands in smaller batches");
        }
        List<Member> members;
        try
        {
            members = Read(body);
        }
        catch (TooManyCommandsException)
        {
            return Problems.Create(StatusCodes.Status400BadRequest, Problems.TooManyCommands,
                $"a batch holds at most {MaxCommands} commands: send them in smaller batches; nothing was executed");
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
            return Problems.Create(StatusCodes.Status400BadRequest, Problems.MalformedBatch,
                $"the body is not a JSON array of signed commands (docs/FORMAT.md §6), each a JSON object: {e.Message}; nothing was executed");
        }
        var results = Schedule(members, slots.AtOnce, async signed =>
        {
            try
            {
                return Commands.Find(signed.Command.Type) is null
                    ? Result(CommandEndpoints.UnknownType(signed.Command.Type))
                    : Result((await CommandEndpoints.ExecuteAsync(signed, grains, deadline, registry, cancellationToken)).Result);
            }
            // As the exception handler answers a command alone; a batch whose request is aborted stops.
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                return Result(ExceptionProblems.Answer(request.HttpContext, e, logger));
            }
        }, cancellationToken);
        return TypedResults.Ok(new CommandBatchResults(await Task.WhenAll(results)));
    }

    /// <summary>A member of a batch: its signed command, or the answer it has before it is executed.</summary>
    sealed record Member(SignedCommand? Signed, CommandResult? Answer)
    {
        /// <summary>A member's bytes read as its own route reads its body, refused as that route refuses them.</summary>
        public static Member Of(ReadOnlySpan<byte> bytes)
        {
            if (bytes.Length > CommandEndpoints.MaxCommandBytes)
            {
                return new Member(null, Result(CommandEndpoints.TooLarge()));
            }
            try
            {
                return new Member(CommandEndpoints.Parse(bytes), null);
            }
            catch (Exception e) when (e is FormatException or CanonicalFormException)
            {
                return new Member(null, Result(CommandEndpoints.Malformed(e)));
            }
        }
    }

    /// <summary>
    /// Reads the batch's members, each from its own bytes exactly as sent, as its own route reads
    /// its body: the array is only split, never written again. A member that is a JSON object but
    /// not a signed command is refused on its own (<c>MalformedCommand</c>), as its route would.
    /// </summary>
    /// <exception cref="JsonException">The body is not one JSON array.</exception>
    /// <exception cref="FormatException">The body is not an array, or a member is not a JSON object.</exception>
    /// <exception cref="TooManyCommandsException">More than <see cref="MaxCommands"/> members.</exception>
    static List<Member> Read(byte[] body)
    {
        var reader = new Utf8JsonReader(body, StrictReading);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
        {
            throw new FormatException("it is not an array");
        }
        var members = new List<Member>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (members.Count == MaxCommands)
            {
                throw new TooManyCommandsException();
            }
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw new FormatException($"command {members.Count} (from 0) is not a JSON object");
            }
            var start = (int)reader.TokenStartIndex;
            reader.Skip();
            members.Add(Member.Of(body.AsSpan(start, (int)reader.BytesConsumed - start)));
        }
        // Anything after the array (the reader refuses a second value) is not a batch either.
        reader.Read();
        return members;
    }

    sealed class TooManyCommandsException : Exception;

    /// <summary>
    /// Starts every command, each once the commands sent before it on any stream it writes are
    /// done: commands on different streams run at once (their entries share group commits), and
    /// on a stream they share in the order sent, as a client sending them one by one would have
    /// them. A command whose streams cannot be told is refused before it touches any, so it waits
    /// for none. At most <see cref="MaxCommandsAtOnce"/> run at once, of every batch the server runs; signature checks run on the
    /// thread pool, on every core.
    /// </summary>
    static Task<CommandResult>[] Schedule(IReadOnlyList<Member> members, SemaphoreSlim atOnce, Func<SignedCommand, Task<CommandResult>> execute,
        CancellationToken cancellationToken)
    {
        var last = new Dictionary<string, Task>(StringComparer.Ordinal);
        var results = new Task<CommandResult>[members.Count];
        for (var i = 0; i < members.Count; i++)
        {
            if (members[i] is not { Signed: { } signed })
            {
                results[i] = Task.FromResult(members[i].Answer!);
                continue;
            }
            var streams = StreamsOf(signed.Command);
            var before = streams.Where(last.ContainsKey).Select(s => last[s]).ToArray();
            results[i] = Task.Run(async () =>
            {
                await Task.WhenAll(before);
                await atOnce.WaitAsync(cancellationToken);
                try
                {
                    return await execute(signed);
                }
                finally
                {
                    atOnce.Release();
                }
            });
            foreach (var stream in streams)
            {
                last[stream] = results[i];
            }
        }
        return results;
    }

    static IReadOnlyList<string> StreamsOf(Command command)
    {
        if (Commands.Find(command.Type) is not { } rule)
        {
            return [];
        }
        try
        {
            return Commands.StreamsOf(rule, command);
        }
        catch (FormatException)
        {
            return [];
        }
    }

    static CommandResult Result(IResult answer) => answer switch
    {
        Ok<CommandAcknowledgement> ok => new CommandResult(StatusCodes.Status200OK, ok.Value, null),
        ProblemHttpResult problem => new CommandResult(problem.StatusCode, null, Completed(problem)),
        _ => throw new InvalidOperationException($"unexpected answer {answer}"),
    };

    /// <summary>The problem as the server writes one alone (<see cref="Problems.Complete"/>).</summary>
    static Microsoft.AspNetCore.Mvc.ProblemDetails Completed(ProblemHttpResult problem)
    {
        Problems.Complete(problem.ProblemDetails);
        return problem.ProblemDetails;
    }
}

/// <summary>The server's turns for batched commands, <see cref="CommandBatchEndpoints.MaxCommandsAtOnce"/> of them, shared by every batch it runs.</summary>
public sealed class BatchedCommandSlots : IDisposable
{
    public SemaphoreSlim AtOnce { get; } = new(CommandBatchEndpoints.MaxCommandsAtOnce);

    public void Dispose() => AtOnce.Dispose();
}
