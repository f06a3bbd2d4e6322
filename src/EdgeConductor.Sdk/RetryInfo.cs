namespace EdgeConductor.Sdk;

/// <summary>What <see cref="EdgeConductorOptions.OnRetry"/> is told before the client waits and repeats a request.</summary>
/// <param name="Method">The HTTP method.</param>
/// <param name="Path">The path relative to the base URL, e.g. <c>devices/register</c>.</param>
/// <param name="Status">The status that caused the retry: 429 or 503.</param>
/// <param name="Attempt">Which retry this is: 1 for the first.</param>
/// <param name="Delay">How long the client waits before it.</param>
public readonly record struct RetryInfo(HttpMethod Method, string Path, int Status, int Attempt, TimeSpan Delay);
