using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeConductor.Cli.Infrastructure;
using EdgeConductor.Sdk.Devices;
using Spectre.Console;

namespace EdgeConductor.Cli.Commands;

/// <summary><c>ec device list | create | get | shadow | reboot | delete | command | commands</c>.</summary>
internal static class DeviceCommands
{
    public static Command Create(CliCommands cli)
    {
        var device = new Command("device", "Fleet management: list, register, inspect, configure, reboot and delete devices");
        device.Subcommands.Add(List(cli));
        device.Subcommands.Add(CreateDevice(cli));
        device.Subcommands.Add(Get(cli));
        device.Subcommands.Add(Shadow(cli));
        device.Subcommands.Add(Reboot(cli));
        device.Subcommands.Add(Delete(cli));
        device.Subcommands.Add(DeviceCommandCommands.Send(cli));
        device.Subcommands.Add(DeviceCommandCommands.List(cli));
        return device;
    }

    private static Argument<string> Serial() => new("SERIAL") { Description = "The device's serial number" };

    private static Command List(CliCommands cli)
    {
        var org = new Option<string>("--org") { Description = "Only devices of this org id" };
        var type = new Option<string>("--type") { Description = "Only devices of this product type" };
        var status = new Option<string>("--status") { Description = "Only online or offline devices" };
        status.AcceptOnlyFromAmong("online", "offline");
        var cmd = new Command("list", "List all devices you can see") { org, type, status };
        cli.Handle(cmd, async (ctx, parse, ct) =>
        {
            using var client = ctx.CreateClient();
            var devices = new List<Device>();
            await foreach (var d in client.Devices.ListAllAsync(new DeviceListOptions
            {
                OrgId = parse.GetValue(org),
                ProductType = parse.GetValue(type),
                Online = parse.GetValue(status) switch { "online" => true, "offline" => false, _ => null },
            }, ct))
                devices.Add(d);
            if (ctx.Json)
            {
                ctx.WriteJson(devices);
                return ExitCodes.Ok;
            }
            var table = new Table().Border(TableBorder.Rounded)
                .AddColumns("Serial", "Type", "Firmware", "Org", "Room", "Status", "Last seen");
            foreach (var d in devices)
                table.AddRow(Markup.Escape(d.SerialNo), Markup.Escape(d.ProductType), Format.Text(d.FwVersion), Format.Text(d.OrgId),
                    Format.Text(d.RoomId), Format.Online(d.Online), Format.Time(d.LastSeen));
            ctx.Console.Write(table);
            ctx.Info($"{devices.Count} device(s)");
            return ExitCodes.Ok;
        });
        return cmd;
    }

    private static Command CreateDevice(CliCommands cli)
    {
        var serial = Serial();
        var type = new Argument<string>("TYPE") { Description = "The product type, e.g. tracker or EC-CLIMATE-V1" };
        var fw = new Option<string>("--fw") { Description = "Firmware version" };
        var org = new Option<string>("--org") { Description = "Owning org id (default: the org of your API key)" };
        var cmd = new Command("create", "Register a device (prints its MQTT secret once)") { serial, type, fw, org };
        cli.Handle(cmd, async (ctx, parse, ct) =>
        {
            using var client = ctx.CreateClient();
            var d = await client.Devices.RegisterAsync(
                new RegisterDeviceRequest(parse.GetValue(serial)!, parse.GetValue(type)!, parse.GetValue(fw), parse.GetValue(org)), ct);
            if (ctx.Json)
            {
                ctx.WriteJson(new { created = d.Created, device = d });
                return ExitCodes.Ok;
            }
            if (d.Created)
            {
                ctx.Success($"Registered [bold]{Markup.Escape(d.SerialNo)}[/] ({Markup.Escape(d.ProductType)}) in org {Markup.Escape(d.OrgId ?? "—")}");
                ctx.Console.MarkupLine($"  Device secret: [yellow]{Markup.Escape(d.DeviceSecret ?? "")}[/]");
                ctx.Console.MarkupLine("  [grey]The secret is the device's MQTT password. It is shown only once: store it now.[/]");
            }
            else
            {
                ctx.Info($"[yellow]![/] {Markup.Escape(d.SerialNo)} is already registered ({Markup.Escape(d.ProductType)}); nothing changed, no new secret issued.");
            }
            return ExitCodes.Ok;
        });
        return cmd;
    }

    private static Command Get(CliCommands cli)
    {
        var serial = Serial();
        var cmd = new Command("get", "Device info and shadow state") { serial };
        cli.Handle(cmd, async (ctx, parse, ct) =>
        {
            using var client = ctx.CreateClient();
            var d = await client.Devices.GetAsync(parse.GetValue(serial)!, ct);
            if (ctx.Json)
            {
                ctx.WriteJson(d);
                return ExitCodes.Ok;
            }
            var info = new Table().Border(TableBorder.Rounded).HideHeaders().AddColumn("").AddColumn("");
            info.AddRow("Serial", Markup.Escape(d.SerialNo));
            info.AddRow("Type", Markup.Escape(d.ProductType));
            info.AddRow("Firmware", Format.Text(d.FwVersion));
            info.AddRow("Status", Format.Online(d.Online));
            info.AddRow("Last seen", Format.Time(d.LastSeen));
            info.AddRow("Org", Format.Text(d.OrgId));
            info.AddRow("Room", Format.Text(d.RoomId));
            info.AddRow("Tenant", Format.Text(d.TenantId));
            info.AddRow("Tags", Format.Text(d.Tags is { Count: > 0 } t ? string.Join(", ", t) : null));
            info.AddRow("Shadow version", d.ShadowVersion.ToString(System.Globalization.CultureInfo.InvariantCulture));
            info.AddRow("Registered", Format.Time(d.CreatedAt));
            ctx.Console.Write(info);
            ctx.Console.MarkupLine("[bold]Reported[/] (latest values from the device)");
            ctx.Console.Write(Format.ObjectTable(d.ShadowReported));
            ctx.Console.MarkupLine("[bold]Desired[/] (what the cloud asks for)");
            ctx.Console.Write(Format.ObjectTable(d.ShadowDesired));
            return ExitCodes.Ok;
        });
        return cmd;
    }

    private static Command Shadow(CliCommands cli)
    {
        var serial = Serial();
        var key = new Argument<string>("KEY") { Description = "The desired-state key, e.g. relay" };
        var value = new Argument<string>("VALUE")
        {
            Description = "The value, read as JSON when it parses (true, 22, \"x\", {\"a\":1}, null deletes the key); otherwise a string",
        };
        var cmd = new Command("shadow", "Set one key of the desired shadow; the server delivers it to the device via MQTT") { serial, key, value };
        cli.Handle(cmd, async (ctx, parse, ct) =>
        {
            var k = parse.GetValue(key)!;
            if (string.IsNullOrWhiteSpace(k)) throw new CliUsageException("KEY must not be empty.");
            var v = ParseValue(parse.GetValue(value)!);
            using var client = ctx.CreateClient();
            var shadow = await client.Devices.PushConfigAsync(parse.GetValue(serial)!, new JsonObject { [k] = v }, ct);
            if (ctx.Json)
            {
                ctx.WriteJson(shadow);
                return ExitCodes.Ok;
            }
            ctx.Success($"desired.{Markup.Escape(k)} = {Markup.Escape(v?.ToJsonString() ?? "null (deleted)")} on {Markup.Escape(parse.GetValue(serial)!)} (shadow version {shadow.Version})");
            ctx.Console.MarkupLine("[bold]Desired[/]");
            ctx.Console.Write(Format.ObjectTable(shadow.Desired));
            if (shadow.Delta.ValueKind == JsonValueKind.Object && shadow.Delta.EnumerateObject().Any())
            {
                ctx.Console.MarkupLine("[bold]Delta[/] (not yet reported by the device)");
                ctx.Console.Write(Format.ObjectTable(shadow.Delta));
            }
            return ExitCodes.Ok;
        });
        return cmd;
    }

    /// <summary>VALUE as JSON when it parses as JSON (true, 22, "x", {…}, null), else as a plain string.</summary>
    internal static JsonNode? ParseValue(string text)
    {
        try
        {
            using var doc = JsonDocument.Parse(text);
            return JsonNode.Parse(doc.RootElement.GetRawText());
        }
        catch (JsonException)
        {
            return JsonValue.Create(text);
        }
    }

    private static Command Reboot(CliCommands cli)
    {
        var serial = Serial();
        var wait = DeviceCommandCommands.WaitOption();
        var timeout = DeviceCommandCommands.TimeoutOption();
        var cmd = new Command("reboot", "Send a remote reboot command (--wait: until the device answers)") { serial, wait, timeout };
        cli.Handle(cmd, async (ctx, parse, ct) =>
        {
            using var client = ctx.CreateClient();
            var result = await client.Devices.RebootAsync(parse.GetValue(serial)!, ct);
            if (parse.GetValue(wait) && result.CommandId is { } id)
                return await DeviceCommandCommands.WaitAndReportAsync(ctx, client, parse.GetValue(serial)!, id, parse.GetValue(timeout), ct);
            if (ctx.Json) ctx.WriteJson(result);
            else ctx.Success($"Reboot command sent to {Markup.Escape(parse.GetValue(serial)!)}" +
                             (result.CommandId is null ? "" : $" (command {Markup.Escape(result.CommandId)})"));
            return ExitCodes.Ok;
        });
        return cmd;
    }

    private static Command Delete(CliCommands cli)
    {
        var serial = Serial();
        var force = new Option<bool>("--force", "-f") { Description = "Delete even if the device was seen in the last 5 minutes" };
        var cmd = new Command("delete", "Delete a device (--force if it is active)") { serial, force };
        cli.Handle(cmd, async (ctx, parse, ct) =>
        {
            using var client = ctx.CreateClient();
            var s = parse.GetValue(serial)!;
            try
            {
                var result = await client.Devices.DeleteAsync(s, parse.GetValue(force), ct);
                if (ctx.Json) ctx.WriteJson(result);
                else ctx.Success($"Deleted {Markup.Escape(s)}");
                return ExitCodes.Ok;
            }
            catch (Sdk.EdgeConductorApiException ex) when (ex.Status == 409 && !parse.GetValue(force))
            {
                EcCli.PrintApiError(ctx, ex);
                ctx.Hint($"Use 'ec device delete {s} --force' to delete it anyway.");
                return ExitCodes.ApiError;
            }
        });
        return cmd;
    }
}
