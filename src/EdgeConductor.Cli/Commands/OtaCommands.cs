using System.CommandLine;
using System.Text.Json;
using EdgeConductor.Cli.Infrastructure;
using EdgeConductor.Sdk;
using EdgeConductor.Sdk.Firmware;
using EdgeConductor.Sdk.OtaJobs;
using Spectre.Console;

namespace EdgeConductor.Cli.Commands;

/// <summary>
/// <c>ec ota upload | push | jobs | job</c> (seed 000 "ec ota"): upload a .bin (progress bar; the result is cached in
/// ~/.ec/last_upload.json so <c>ec ota push</c> defaults to it), push to a serial or a product type (optionally staged),
/// list jobs, show one job's progress and pause / resume / cancel it.
/// </summary>
internal static class OtaCommands
{
    /// <summary>The file in the config folder (~/.ec) where the last upload is remembered.</summary>
    public const string LastUploadFile = "last_upload.json";

    public static Command Create(CliCommands cli)
    {
        var ota = new Command("ota", "Firmware updates: upload a release, push it, follow OTA jobs");
        ota.Subcommands.Add(Upload(cli));
        ota.Subcommands.Add(Push(cli));
        ota.Subcommands.Add(Jobs(cli));
        ota.Subcommands.Add(Job(cli));
        return ota;
    }

    private static Command Upload(CliCommands cli)
    {
        var file = new Argument<string>("FILE") { Description = "The compiled firmware (.bin)" };
        var version = new Option<string>("--version") { Description = "Its version, e.g. 2.1.4", Required = true };
        var type = new Option<string>("--type") { Description = "The product type it is for, e.g. tracker", Required = true };
        var org = new Option<string>("--org") { Description = "Org id (default: the org of your API key or login)" };
        var notes = new Option<string>("--notes") { Description = "Release notes" };
        var signature = new Option<string>("--signature") { Description = "Base64 ECDSA P-256 signature over the file's SHA-256, or @file with the DER signature (openssl dgst -sha256 -sign)" };
        var cmd = new Command("upload", "Upload a firmware release") { file, version, type, org, notes, signature };
        cli.Handle(cmd, async (ctx, parse, ct) =>
        {
            var path = Path.GetFullPath(parse.GetValue(file)!, ctx.Env.WorkingDirectory);
            if (!File.Exists(path)) throw new CliUsageException($"No such file: {parse.GetValue(file)}");
            var sig = parse.GetValue(signature);
            if (sig is not null && sig.StartsWith('@'))
                sig = Convert.ToBase64String(await File.ReadAllBytesAsync(Path.GetFullPath(sig[1..], ctx.Env.WorkingDirectory), ct));
            using var client = ctx.CreateClient();
            var orgId = parse.GetValue(org) ?? (await client.Auth.MeAsync(ct)).OrgId
                ?? throw new CliUsageException("Your credential has no org: pass --org.");
            await using var stream = File.OpenRead(path);
            var request = new FirmwareUploadRequest(parse.GetValue(version)!, parse.GetValue(type)!, parse.GetValue(notes), sig);
            FirmwareRelease release;
            if (ctx.Env.Interactive && !ctx.Json)
            {
                FirmwareRelease? done = null;
                await ctx.Console.Progress().AutoClear(false)
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new TransferSpeedColumn(), new RemainingTimeColumn())
                    .StartAsync(async p =>
                    {
                        var task = p.AddTask($"Uploading {Markup.Escape(Path.GetFileName(path))}", maxValue: Math.Max(1, stream.Length));
                        done = await client.Firmware.UploadAsync(orgId, stream, request, new Progress<long>(sent => task.Value = sent), ct);
                        task.Value = task.MaxValue;
                    });
                release = done!;
            }
            else
            {
                release = await client.Firmware.UploadAsync(orgId, stream, request, null, ct);
            }
            var cache = Path.Combine(ctx.ConfigDirectory, LastUploadFile);
            Directory.CreateDirectory(ctx.ConfigDirectory);
            SecureFile.WriteAllBytes(cache, JsonSerializer.SerializeToUtf8Bytes(release, EdgeConductorJson.Indented));
            if (ctx.Json)
            {
                ctx.WriteJson(release);
                return ExitCodes.Ok;
            }
            ctx.Success($"Uploaded {Markup.Escape(release.ProductType)} [bold]{Markup.Escape(release.Version)}[/] ({release.Size:N0} bytes)");
            ctx.Info($"  id      {Markup.Escape(release.Id)}");
            ctx.Info($"  sha256  {release.Sha256}");
            ctx.Info($"  signed  {(release.SigningKeyId is null ? "no" : "yes (key " + Markup.Escape(release.SigningKeyId) + ")")}");
            ctx.Hint("Next: ec ota push --type " + release.ProductType);
            return ExitCodes.Ok;
        });
        return cmd;
    }

    private static Command Push(CliCommands cli)
    {
        var serial = new Option<string>("--serial") { Description = "Push to this one device" };
        var type = new Option<string>("--type") { Description = "Push to every device of this product type in the release's org" };
        var firmware = new Option<string>("--firmware") { Description = "The release id (default: your last ec ota upload)" };
        var allowDowngrade = new Option<bool>("--allow-downgrade") { Description = "Install even on devices running a newer version" };
        var groups = new Option<string>("--groups") { Description = "Staged rollout: cumulative group sizes, e.g. 1,10%,50%,100% (with --type)" };
        var maxPerMinute = new Option<int?>("--max-per-minute") { Description = "Release at most this many devices per minute" };
        var wait = new Option<double?>("--wait-minutes") { Description = "Wait between rollout groups" };
        var success = new Option<double?>("--success-threshold") { Description = "Percent of released devices that must succeed before the next group (default 100)" };
        var error = new Option<double?>("--error-threshold") { Description = "Percent of failed devices that pauses the rollout (default 10)" };
        var cmd = new Command("push", "Push a firmware release to a device or a product type") { serial, type, firmware, allowDowngrade, groups, maxPerMinute, wait, success, error };
        cli.Handle(cmd, async (ctx, parse, ct) =>
        {
            var s = parse.GetValue(serial);
            var t = parse.GetValue(type);
            if ((s is null) == (t is null)) throw new CliUsageException("Give exactly one of --serial or --type.");
            var fwId = parse.GetValue(firmware) ?? LastUpload(ctx)?.Id
                ?? throw new CliUsageException($"No --firmware given and no previous upload in {Path.Combine(ctx.ConfigDirectory, LastUploadFile)}.");
            using var client = ctx.CreateClient();
            if (s is not null)
            {
                if (parse.GetValue(groups) is not null) throw new CliUsageException("--groups needs --type (a rollout is over many devices).");
                var pushed = await client.Firmware.PushAsync(s, fwId, parse.GetValue(allowDowngrade), ct);
                if (ctx.Json)
                {
                    ctx.WriteJson(pushed);
                    return ExitCodes.Ok;
                }
                ctx.Success($"OTA triggered — Job #{pushed.JobNumber}: {Markup.Escape(s)} → {Markup.Escape(pushed.Version)} " +
                    (pushed.Delivered ? "(sent over MQTT)" : "(device offline: pending until it reconnects or polls)"));
                return ExitCodes.Ok;
            }
            var release = await client.Firmware.GetAsync(fwId, ct);
            OtaRollout? rollout = null;
            if (parse.GetValue(groups) is { } g || parse.GetValue(maxPerMinute) is not null || parse.GetValue(wait) is not null)
            {
                var sizes = (parse.GetValue(groups) ?? "100%").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                rollout = new OtaRollout(sizes, parse.GetValue(success), parse.GetValue(error), parse.GetValue(maxPerMinute), parse.GetValue(wait));
            }
            var job = await client.OtaJobs.CreateAsync(release.OrgId, new CreateOtaJobRequest(fwId, t, parse.GetValue(allowDowngrade) ? true : null, rollout), ct);
            if (ctx.Json)
            {
                ctx.WriteJson(job);
                return ExitCodes.Ok;
            }
            ctx.Success($"OTA triggered — Job #{job.Number}: {job.Counts.Targeted} {Markup.Escape(t!)} device(s) → {Markup.Escape(release.Version)}");
            if (job.Counts.Skipped > 0) ctx.Info($"  {job.Counts.Skipped} skipped (already on it, or a downgrade)");
            ctx.Hint($"Follow it: ec ota job {job.Number}");
            return ExitCodes.Ok;
        });
        return cmd;
    }

    private static Command Jobs(CliCommands cli)
    {
        var org = new Option<string>("--org") { Description = "Only this org's jobs" };
        var limit = new Option<int>("--limit") { Description = "How many (default 20)", DefaultValueFactory = _ => 20 };
        var cmd = new Command("jobs", "List recent OTA jobs") { org, limit };
        cli.Handle(cmd, async (ctx, parse, ct) =>
        {
            using var client = ctx.CreateClient();
            var jobs = await client.OtaJobs.ListAsync(parse.GetValue(org), parse.GetValue(limit), ct);
            if (ctx.Json)
            {
                ctx.WriteJson(jobs);
                return ExitCodes.Ok;
            }
            var table = new Table().Border(TableBorder.Rounded).AddColumns("Job", "Target", "Version", "Status", "Targeted", "Done", "Failed", "Created");
            foreach (var j in jobs)
                table.AddRow($"#{j.Number}", Markup.Escape(j.Target), Format.Text(j.Version), Markup.Escape(j.Status), j.Counts.Targeted.ToString(),
                    j.Counts.Succeeded.ToString(), j.Counts.Failed.ToString(), Format.Time(j.CreatedAt));
            ctx.Console.Write(table);
            ctx.Info($"{jobs.Count} job(s)");
            return ExitCodes.Ok;
        });
        return cmd;
    }

    private static Command Job(CliCommands cli)
    {
        var id = new Argument<string>("JOB") { Description = "The job number (12) or id" };
        var org = new Option<string>("--org") { Description = "The org of a job given by number (default: your org)" };
        var devices = new Option<bool>("--devices") { Description = "Show each device's state" };
        var pause = new Option<bool>("--pause") { Description = "Pause the job" };
        var resume = new Option<bool>("--resume") { Description = "Resume a paused job" };
        var cancel = new Option<bool>("--cancel") { Description = "Cancel: devices not yet sent the update are canceled" };
        var cmd = new Command("job", "Status and progress of one OTA job; pause, resume or cancel it") { id, org, devices, pause, resume, cancel };
        cli.Handle(cmd, async (ctx, parse, ct) =>
        {
            var actions = new[] { parse.GetValue(pause), parse.GetValue(resume), parse.GetValue(cancel) }.Count(x => x);
            if (actions > 1) throw new CliUsageException("Give at most one of --pause, --resume, --cancel.");
            using var client = ctx.CreateClient();
            var job = parse.GetValue(id)!.TrimStart('#');
            var o = parse.GetValue(org);
            if (parse.GetValue(pause)) await client.OtaJobs.PauseAsync(job, o, ct);
            if (parse.GetValue(resume)) await client.OtaJobs.ResumeAsync(job, o, ct);
            if (parse.GetValue(cancel)) await client.OtaJobs.CancelAsync(job, o, ct);
            var j = await client.OtaJobs.GetAsync(job, o, parse.GetValue(devices), ct);
            if (ctx.Json)
            {
                ctx.WriteJson(j);
                return ExitCodes.Ok;
            }
            var c = j.Counts;
            ctx.Info($"[bold]Job #{j.Number}[/]  {Markup.Escape(j.Target)} → {Format.Text(j.Version)}  [bold]{Markup.Escape(j.Status)}[/]" +
                (j.StatusReason is null ? "" : $" ({Markup.Escape(j.StatusReason)})"));
            var finished = c.Succeeded + c.Failed + c.Canceled + c.Skipped;
            ctx.Info($"  targeted {c.Targeted}  queued {c.Queued}  pending {c.Pending}  in progress {c.InProgress}  succeeded [green]{c.Succeeded}[/]  failed [red]{c.Failed}[/]  canceled {c.Canceled}  skipped {c.Skipped}");
            if (c.Targeted > 0) ctx.Console.Write(new BreakdownChart().Width(60).AddItem("succeeded", c.Succeeded, Color.Green).AddItem("failed", c.Failed, Color.Red)
                .AddItem("in progress", c.InProgress, Color.Yellow).AddItem("waiting", c.Queued + c.Pending, Color.Grey).AddItem("other", c.Canceled + c.Skipped, Color.Blue));
            if (j.Devices is { } list)
            {
                var table = new Table().Border(TableBorder.Rounded).AddColumns("Serial", "Group", "State", "Progress", "From", "Error");
                foreach (var d in list)
                    table.AddRow(Markup.Escape(d.Serial), d.Group.ToString(), Markup.Escape(d.State), d.Progress is { } p ? $"{p} %" : "-", Format.Text(d.FromVersion), Format.Text(d.Error));
                ctx.Console.Write(table);
            }
            ctx.Info($"{finished} of {c.Targeted} finished");
            return ExitCodes.Ok;
        });
        return cmd;
    }

    private static FirmwareRelease? LastUpload(CliContext ctx)
    {
        var path = Path.Combine(ctx.ConfigDirectory, LastUploadFile);
        if (!File.Exists(path)) return null;
        try
        {
            return JsonSerializer.Deserialize<FirmwareRelease>(File.ReadAllBytes(path), EdgeConductorJson.Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
