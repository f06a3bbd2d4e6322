using System.Buffers;
using EdgeConductor.Mqtt.Codec;
using EdgeConductor.Mqtt.Packets;
using EdgeConductor.Mqtt.Protocol;

namespace EdgeConductor.Mqtt.Broker;

internal sealed partial class MqttServerConnection
{
    private async Task<ConnectPacket?> ReadConnectAsync()
    {
        var input = _transport.Input;
        var batch = new List<MqttPacket>(1);
        while (true)
        {
            var result = await input.ReadAsync(_cancellationToken).ConfigureAwait(false);
            if (result.IsCanceled || _stopReading)
            {
                return null;
            }

            var buffer = result.Buffer;
            var consumed = ParseBatch(buffer, batch, 1, Options.MaximumPacketSize, out var error);

            if (error is not null)
            {
                _version = PeekProtocolLevel(buffer);
                input.AdvanceTo(buffer.Start, buffer.End);
                throw error;
            }

            input.AdvanceTo(consumed, batch.Count > 0 ? consumed : buffer.End);
            if (batch.Count > 0)
            {
                _broker.Metrics.BytesReceived(buffer.Slice(0, consumed).Length);
                if (batch[0] is not ConnectPacket connect)
                {
                    // [MQTT-3.1.0-1]: the first packet must be CONNECT; close without CONNACK.
                    _version = MqttProtocolVersion.Unknown;
                    MqttProtocolException.ThrowProtocolError("First packet must be CONNECT.");
                    return null;
                }

                return connect;
            }

            if (result.IsCompleted)
            {
                return null;
            }
        }
    }

    private async Task<bool> AcceptConnectAsync(ConnectPacket connect)
    {
        _version = connect.ProtocolVersion;
        var v5 = IsV5;
        var clientId = connect.ClientId;
        var assigned = false;
        if (clientId.Length == 0)
        {
            if (!v5 && !connect.CleanStart)
            {
                await SendConnAckAsync(new ConnAckPacket { ReasonCode = MqttReasonCode.ClientIdentifierNotValid }).ConfigureAwait(false);
                return false;
            }

            clientId = Options.AssignedClientIdPrefix + Guid.NewGuid().ToString("N");
            assigned = true;
        }

        MqttAuthenticationResult auth;
        try
        {
            auth = await Options.Hooks.AuthenticateAsync(new MqttConnectContext(connect, clientId, _info), _cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            ReportError(ex, "AuthenticateAsync");
            auth = MqttAuthenticationResult.Reject(MqttReasonCode.UnspecifiedError);
        }

        if (!auth.Accepted)
        {
            _broker.Metrics.AuthenticationFailed(auth.ReasonCode);
            _closeReason = MqttDisconnectReason.ConnectRejected;
            var code = auth.ReasonCode == MqttReasonCode.Success ? MqttReasonCode.NotAuthorized : auth.ReasonCode;
            await SendConnAckAsync(new ConnAckPacket { ReasonCode = code }).ConfigureAwait(false);
            return false;
        }

        uint expiry;
        uint? clampedExpiry = null;
        if (v5)
        {
            expiry = connect.Properties?.SessionExpiryInterval ?? 0;
            if (expiry > Options.MaximumSessionExpiryInterval)
            {
                expiry = Options.MaximumSessionExpiryInterval;
                clampedExpiry = expiry;
            }
        }
        else
        {
            expiry = connect.CleanStart ? 0
                : Options.PersistentSessionExpiryV311 is { } ttl ? (uint)Math.Clamp(ttl.TotalSeconds, 1, uint.MaxValue - 1) : uint.MaxValue;
        }

        var serverKeepAlive = Options.ServerKeepAlive;
        if (serverKeepAlive is null && Options.MaximumKeepAlive is { } maxKeepAlive && (connect.KeepAlive == 0 || connect.KeepAlive > maxKeepAlive))
        {
            serverKeepAlive = maxKeepAlive;
        }

        _keepAlive = serverKeepAlive ?? connect.KeepAlive;
        var clientReceiveMaximum = v5 ? connect.Properties?.ReceiveMaximum ?? ushort.MaxValue : ushort.MaxValue;
        _sendQuota = Math.Min(clientReceiveMaximum, (int)Options.MaxInflightMessages);
        if (v5 && connect.Properties?.TopicAliasMaximum is > 0 and var clientAliases)
        {
            _outboundAliasMaximum = Math.Min(clientAliases, Options.OutboundTopicAliasMaximum);
        }

        if (v5 && connect.Properties?.MaximumPacketSize is { } maxPacket)
        {
            _clientMaximumPacketSize = (int)Math.Min(maxPacket, (uint)MqttPacketReader.ProtocolMaximumPacketSize);
        }

        _will = connect.Will;
        if (_will is not null && (_will.QoS > Options.MaximumQoS || (_will.Retain && !Options.RetainAvailable)))
        {
            await SendConnAckAsync(new ConnAckPacket { ReasonCode = _will.QoS > Options.MaximumQoS ? MqttReasonCode.QoSNotSupported : MqttReasonCode.RetainNotSupported }).ConfigureAwait(false);
            return false;
        }

        // The session is found by (owner, client id): a client can only resume or take over a session of its own owner.
        var key = new MqttSessionKey(auth.Owner ?? MqttAuthenticationResult.DefaultOwner, clientId);
        var (session, present) = await _broker.AttachAsync(this, key, connect.CleanStart, expiry).ConfigureAwait(false);
        if (session is null)
        {
            // MaxSessionsPerOwner reached with every session of the owner online: 0x97 (v5) / 3 Server unavailable (3.1.1).
            _closeReason = MqttDisconnectReason.ConnectRejected;
            await SendConnAckAsync(new ConnAckPacket { ReasonCode = MqttReasonCode.QuotaExceeded }).ConfigureAwait(false);
            return false;
        }

        _session = session;
        _client = new MqttClientInfo(clientId, connect.UserName, _version, _info, auth.Principal, _broker.TimeProvider.GetUtcNow(), _keepAlive, key.Owner);
        _lastActivityTicks = _broker.NowTicks;

        // Attached from here on: whatever happens next, CloseAsync must detach the session.
        _connected = true;
        if (present && session.HasSubscriptions)
        {
            await ReauthorizeStoredSubscriptionsAsync().ConfigureAwait(false);
        }

        var connAck = new ConnAckPacket { SessionPresent = present, ReasonCode = MqttReasonCode.Success };
        if (v5)
        {
            var properties = new MqttProperties
            {
                ReceiveMaximum = Options.ReceiveMaximum,
                TopicAliasMaximum = Options.TopicAliasMaximum,
                MaximumPacketSize = (uint)Options.MaximumPacketSize,
                SessionExpiryInterval = clampedExpiry,
                AssignedClientIdentifier = assigned ? clientId : null,
                ServerKeepAlive = serverKeepAlive,
                AuthenticationMethod = connect.Properties?.AuthenticationMethod,
            };
            if (Options.MaximumQoS < MqttQualityOfService.ExactlyOnce)
            {
                properties.MaximumQoS = (byte)Options.MaximumQoS;
            }

            if (!Options.RetainAvailable)
            {
                properties.RetainAvailable = 0;
            }

            connAck.Properties = properties;
        }

        await SendConnAckAsync(connAck).ConfigureAwait(false);
        _outputTask = OutputLoopAsync();
        try
        {
            await Options.Hooks.OnClientConnectedAsync(_client).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            ReportError(ex, "OnClientConnectedAsync");
        }

        return true;
    }

    private async Task SendConnAckAsync(ConnAckPacket packet)
    {
        MqttPacketWriter.Write(_transport.Output, packet, _version == MqttProtocolVersion.V500 ? MqttProtocolVersion.V500 : MqttProtocolVersion.V311);
        await _transport.Output.FlushAsync(_cancellationToken).ConfigureAwait(false);
    }

    private async Task TrySendConnectFailureAsync(MqttReasonCode code)
    {
        // Only when the CONNECT itself was bad: v5 peers get the reason code, 3.1.1 (or unknown) get return code 1 for a bad
        // protocol version; other v3 failures just close (3.1.1 has no matching return code).
        try
        {
            if (_version == MqttProtocolVersion.V500)
            {
                await SendConnAckAsync(new ConnAckPacket { ReasonCode = code }).ConfigureAwait(false);
            }
            else if (code == MqttReasonCode.UnsupportedProtocolVersion)
            {
                _version = MqttProtocolVersion.V311;
                await SendConnAckAsync(new ConnAckPacket { ReasonCode = code }).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (IsTransportException(ex))
        {
            // Best effort.
        }
    }

    /// <summary>Best-effort read of the protocol level of a CONNECT that failed to decode.</summary>
    private static MqttProtocolVersion PeekProtocolLevel(ReadOnlySequence<byte> buffer)
    {
        Span<byte> head = stackalloc byte[16];
        var length = (int)Math.Min(buffer.Length, head.Length);
        buffer.Slice(0, length).CopyTo(head);
        if (length < 2 || head[0] != 0x10)
        {
            return MqttProtocolVersion.Unknown;
        }

        var i = 1;
        while (i < 5 && i < length && (head[i] & 0x80) != 0)
        {
            i++;
        }

        var levelIndex = i + 1 + 6;
        return levelIndex < length && head[levelIndex] == 5 && head[i + 1] == 0 && head[i + 2] == 4 ? MqttProtocolVersion.V500 : MqttProtocolVersion.Unknown;
    }
}
