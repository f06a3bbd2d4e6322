using System.CommandLine;
using System.Text.Json;
using EdgeConductor.Cli.Commands;
using EdgeConductor.Cli.Infrastructure;
using EdgeConductor.Sdk;

namespace EdgeConductor.Cli;

/// <summary>The <c>ec</c> command line, runnable in-process.</summary>
public static class EcCli
{
    /// <summary>Parses <paramref name="args"/>, runs the command and returns the exit code (0 ok, 1 API error, 2 usage).</summary>
    public static async Task<int> RunAsync(string[] args, CliEnvironment env, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(env);
        var cli = new CliCommands(env);
        var root = cli.BuildRoot();
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors) await env.Error.WriteLineAsync("Error: " + error.Message);
            await env.Error.WriteLineAsync($"Run '{CommandPath(parse)} --help' for usage.");
            await env.Error.FlushAsync(CancellationToken.None);
            return ExitCodes.Usage;
        }
        var config = new InvocationConfiguration
        {
            Output = env.Out,
            Error = env.Error,
            EnableDefaultExceptionHandler = false,
            // Ctrl+C cancels the command; it then has this long to finish cleanly (manufacture completes the device in flight).
            ProcessTerminationTimeout = env.HandleProcessTermination ? TimeSpan.FromSeconds(10) : null,
        };
        var code = await parse.InvokeAsync(config, cancellationToken);
        await env.Out.FlushAsync(CancellationToken.None);
        return code;
    }

    private static string CommandPath(ParseResult parse)
    {
        var names = new List<string>();
        for (var r = parse.CommandResult; r is not null; r = r.Parent as System.CommandLine.Parsing.CommandResult)
            names.Insert(0, r.Command.Name);
        if (names.Count > 0) names[0] = "ec";
        return string.Join(' ', names);
    }

    /// <summary>Runs one command body and turns every failure into a message and an exit code.</summary>
    internal static async Task<int> ExecuteAsync(CliContext ctx, CancellationToken ct, Func<CancellationToken, Task<int>> body)
    {
        try
        {
            return await body(ct);
        }
        catch (EdgeConductorApiException ex)
        {
            PrintApiError(ctx, ex);
            return ExitCodes.ApiError;
        }
        catch (HttpRequestException ex)
        {
            ctx.Error($"Cannot reach the EdgeConductor server at {ctx.CurrentUrl ?? "the configured URL"}: {ex.Message}");
            ctx.Hint("Check that the server is running and the URL is right (ec login --url http://host:8080/api/v1, or EC_URL).");
            return ExitCodes.ApiError;
        }
        catch (TimeoutException ex)
        {
            ctx.Error(ex.Message);
            return ExitCodes.ApiError;
        }
        catch (NotLoggedInException ex)
        {
            ctx.Error(ex.Message);
            return ExitCodes.Usage;
        }
        catch (CliUsageException ex)
        {
            ctx.Error(ex.Message);
            return ExitCodes.Usage;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            ctx.Hint("Cancelled.");
            return 130;
        }
        catch (JsonException ex)
        {
            ctx.Error($"The server at {ctx.CurrentUrl} sent an answer that is not the JSON expected: {ex.Message}");
            ctx.Hint("Is the URL the EdgeConductor API (ending in /api/v1)?");
            return ExitCodes.ApiError;
        }
    }

    internal static void PrintApiError(CliContext ctx, EdgeConductorApiException ex)
    {
        if (ctx.Json)
        {
            ctx.Error(ex.Message, new
            {
                error = new { status = ex.Status, code = ex.Code, title = ex.Title, detail = ex.Detail, errors = ex.Errors.Count > 0 ? ex.Errors : null },
            });
            return;
        }
        ctx.Error($"{ex.Detail ?? ex.Title} (HTTP {ex.Status}{(ex.Code is null ? "" : " " + ex.Code)})");
        foreach (var (field, messages) in ex.Errors)
            foreach (var m in messages)
                ctx.Hint($"  {field}: {m}");
        if (ex.Status == 401) ctx.Hint("The API key was rejected. Run 'ec login' with a valid key (or fix EC_API_KEY).");
        if (ex.Status == 403) ctx.Hint("Your credential lacks permission for this. Org API keys act as org_admin.");
    }
}
