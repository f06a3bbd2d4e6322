using EdgeConductor.Sdk;
using EdgeConductor.Web.Session;
using Microsoft.AspNetCore.Components;

namespace EdgeConductor.Web.Components.Shared;

/// <summary>
/// Base of console pages: the signed-in user, the SDK client (<see cref="ConsoleApi"/>), and <see cref="RunAsync"/>
/// that turns an API error into a message on the page (the field the API named, or its detail) instead of a crash.
/// </summary>
public abstract class ConsolePage : ComponentBase
{
    [Inject] protected ConsoleApi Api { get; set; } = default!;

    /// <summary>The signed-in user (set before <see cref="LoadAsync"/>).</summary>
    protected ConsoleUser User { get; private set; } = default!;

    /// <summary>The last API error, shown by the page (role="alert").</summary>
    protected string? Error { get; set; }

    /// <summary>True while the first load runs.</summary>
    protected bool Loading { get; private set; } = true;

    /// <inheritdoc />
    protected override async Task OnInitializedAsync()
    {
        User = await Api.UserAsync();
        await RunAsync(LoadAsync);
        Loading = false;
    }

    /// <summary>Loads the page's data.</summary>
    protected virtual Task LoadAsync() => Task.CompletedTask;

    /// <summary>Runs an API action; false (and <see cref="Error"/> set) when the API refused it.</summary>
    protected async Task<bool> RunAsync(Func<Task> action)
    {
        try
        {
            Error = null;
            await action();
            return true;
        }
        catch (EdgeConductorApiException e)
        {
            Error = e.Errors.Count > 0
                ? string.Join(" ", e.Errors.Select(kv => $"{kv.Key}: {string.Join(", ", kv.Value)}."))
                : e.Detail ?? e.Title ?? $"The server answered {e.Status}.";
            return false;
        }
        catch (HttpRequestException)
        {
            Error = "The server could not be reached. Try again.";
            return false;
        }
    }

    /// <summary>A time in the viewer's terms (UTC, minutes).</summary>
    protected static string When(DateTimeOffset? t) => t is { } v ? v.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture) : "—";
}
