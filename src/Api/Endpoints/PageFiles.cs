using Microsoft.Extensions.FileProviders;

namespace Ledger.Api.Endpoints;

/// <summary>
/// The transparency page and resident portal (issue 9, README "The page"): plain HTML, CSS and
/// JavaScript modules from <c>wwwroot</c> beside Api.dll, served at <c>/</c>. Everything the page
/// loads comes from this server, which the Content-Security-Policy states, so that it works
/// offline against a local server and no third party sees who reads what.
/// </summary>
public static class PageFiles
{
    /// <summary>The folder the page is served from: copied beside Api.dll by the build (Api.csproj).</summary>
    public static string Folder => Path.Combine(AppContext.BaseDirectory, "wwwroot");

    /// <summary>Scripts, styles, images and requests only to this origin; no inline script, no frames, no plugins.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; "
        + "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    public static void UsePageFiles(this WebApplication app)
    {
        if (!Directory.Exists(Folder))
        {
            return;
        }
        var files = new PhysicalFileProvider(Folder);
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            OnPrepareResponse = context =>
            {
                var headers = context.Context.Response.Headers;
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "no-referrer";
                // The page is small and changes with the server: always revalidate (ETag), never serve a stale script.
                headers.CacheControl = "no-cache";
            },
        });
    }
}
