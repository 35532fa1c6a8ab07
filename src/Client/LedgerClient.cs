using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Canonical;
using Ledger.Entries;

namespace Ledger.Client;

/// <summary>The server's answer: its status and its JSON body (an acknowledgement, a view, or a problem).</summary>
public sealed record LedgerResponse(HttpStatusCode Status, JsonElement Body)
{
    public bool IsSuccess => (int)Status is >= 200 and < 300;

    /// <summary>The stable result code of a problem (RFC 9457 extension member "code"); null on success.</summary>
    public string? Code => !IsSuccess && Body.ValueKind == JsonValueKind.Object && Body.TryGetProperty("code", out var code) ? code.GetString() : null;
}

/// <summary>
/// The one client of the ledger's HTTP API (docs/API.md): signs commands as FORMAT.md §6
/// says and posts them; signs reads with the same scheme. The only implementation of
/// envelope signing outside the core, used by the tests, the bench and the demo.
/// </summary>
public sealed class LedgerClient(HttpClient http, TimeProvider clock)
{
    /// <inheritdoc cref="SignedRead.AuthorizationScheme"/>
    public const string AuthorizationScheme = SignedRead.AuthorizationScheme;

    public HttpClient Http => http;

    /// <summary>Signs a command now, with a fresh idempotency key unless one is given.</summary>
    public SignedCommand Sign(PersonKey signer, string type, JsonObject body, string? idempotencyKey = null) =>
        SignedCommand.Sign(new Command(signer.PersonId, signer.KeyId, type, JsonSerializer.SerializeToElement(body),
            idempotencyKey ?? Guid.NewGuid().ToString("N"), LedgerTime.Truncate(clock.GetUtcNow())), signer.Key);

    public Task<LedgerResponse> SendAsync(PersonKey signer, string type, JsonObject body, string? idempotencyKey = null,
        CancellationToken cancellationToken = default) =>
        PostAsync(Sign(signer, type, body, idempotencyKey), cancellationToken);

    /// <summary>Posts a signed command exactly as signed: a retry sends the same bytes again.</summary>
    public Task<LedgerResponse> PostAsync(SignedCommand signed, CancellationToken cancellationToken = default) =>
        PostRawAsync(signed.Command.Type, Encode(signed), cancellationToken);

    /// <summary>Posts any bytes to a command's endpoint: for tests of what the server refuses.</summary>
    public Task<LedgerResponse> PostRawAsync(string type, byte[] body, CancellationToken cancellationToken = default) =>
        PostJsonAsync($"/v1/commands/{type}", body, cancellationToken);

    /// <summary>
    /// Posts signed commands as one batch (docs/API.md "Batches"), each exactly as signed.
    /// </summary>
    /// <returns>
    /// Each command's result, in the order given, as its own route would have answered it; when the
    /// server refused the batch itself (nothing was executed), that refusal is each command's result.
    /// </returns>
    public Task<IReadOnlyList<LedgerResponse>> PostBatchAsync(IReadOnlyList<SignedCommand> commands, CancellationToken cancellationToken = default) =>
        PostEncodedBatchAsync([.. commands.Select(Encode)], cancellationToken);

    /// <summary>
    /// Posts commands already signed and encoded, each the canonical JSON it would be posted as
    /// alone, as one batch: for a load whose commands were signed before it is measured.
    /// </summary>
    /// <returns><inheritdoc cref="PostBatchAsync" path="/returns"/></returns>
    public async Task<IReadOnlyList<LedgerResponse>> PostEncodedBatchAsync(IReadOnlyList<byte[]> encodedCommands, CancellationToken cancellationToken = default)
    {
        var batch = await PostRawBatchAsync(EncodedBatchBody(encodedCommands), cancellationToken);
        if (!batch.IsSuccess)
        {
            return [.. encodedCommands.Select(_ => batch)];
        }
        return [.. batch.Body.GetProperty("results").EnumerateArray().Select(result => new LedgerResponse((HttpStatusCode)result.GetProperty("status").GetInt32(),
            result.GetProperty("acknowledgement") is { ValueKind: JsonValueKind.Object } acknowledgement ? acknowledgement : result.GetProperty("problem")))];
    }

    /// <summary>A batch's body: a JSON array of the commands' canonical JSON, the bytes each alone would be posted as.</summary>
    public static byte[] BatchBody(IEnumerable<SignedCommand> commands) => EncodedBatchBody(commands.Select(Encode));

    static byte[] EncodedBatchBody(IEnumerable<byte[]> encodedCommands)
    {
        using var body = new MemoryStream();
        body.WriteByte((byte)'[');
        foreach (var (encoded, index) in encodedCommands.Select((encoded, index) => (encoded, index)))
        {
            if (index > 0)
            {
                body.WriteByte((byte)',');
            }
            body.Write(encoded);
        }
        body.WriteByte((byte)']');
        return body.ToArray();
    }

    /// <summary>A signed command as it is posted, alone or in a batch: its canonical JSON.</summary>
    public static byte[] Encode(SignedCommand signed) => CanonicalJson.Encode(signed.ToJson());

    /// <summary>Posts any bytes as a batch: for tests of what the server refuses.</summary>
    public Task<LedgerResponse> PostRawBatchAsync(byte[] body, CancellationToken cancellationToken = default) =>
        PostJsonAsync("/v1/commands", body, cancellationToken);

    async Task<LedgerResponse> PostJsonAsync(string target, byte[] body, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await http.PostAsync(target, content, cancellationToken);
        return await ReadAsync(response, cancellationToken);
    }

    /// <summary>GETs a view; with a reader, the request carries the reader's signed read.</summary>
    public async Task<LedgerResponse> GetAsync(string target, PersonKey? reader = null, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, target);
        if (reader is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue(AuthorizationScheme, ReadAuthorization(reader, "GET", target));
        }
        using var response = await http.SendAsync(request, cancellationToken);
        return await ReadAsync(response, cancellationToken);
    }

    /// <summary>
    /// A signed read (docs/API.md "Signed reads"): a command of type ReadRequest whose body
    /// names the method and the request target, signed like any command, sent as the
    /// base64url of its canonical JSON.
    /// </summary>
    public string ReadAuthorization(PersonKey reader, string method, string target)
    {
        var signed = Sign(reader, SignedRead.CommandType, new JsonObject { ["method"] = method, ["target"] = target });
        return Convert.ToBase64String(CanonicalJson.Encode(signed.ToJson())).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    static async Task<LedgerResponse> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        var body = text.Length == 0 ? default : JsonDocument.Parse(Encoding.UTF8.GetBytes(text)).RootElement.Clone();
        return new LedgerResponse(response.StatusCode, body);
    }
}
