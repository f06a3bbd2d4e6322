"""ec.commands, ec.firmware and ec.ota_jobs against the real server."""
from __future__ import annotations

import hashlib
import os
import tempfile
import unittest

from _support import new_org, unique

from edgeconductor import EdgeConductorError


class CommandsTests(unittest.TestCase):
    def test_send_list_get_and_pending(self) -> None:
        org_id, ec, _ = new_org()
        serial = unique("PY-CMD")
        ec.devices.register(serial_no=serial, product_type="EC-TRACK-V1")
        sent = ec.commands.send(serial, "locate", params={"accuracy": "high"}, expires_in=600)
        self.assertEqual(sent["state"], "queued")
        command = ec.commands.get(serial, sent["id"])
        self.assertEqual((command["cmd"], command["params"]), ("locate", {"accuracy": "high"}))
        self.assertEqual([c["id"] for c in ec.commands.list(serial)], [sent["id"]])
        pending = ec.commands.pending(serial)
        self.assertIn(sent["id"], [c["id"] for c in pending["commands"]])
        with self.assertRaises(EdgeConductorError) as bad:
            ec.commands.send(serial, "no spaces allowed")
        self.assertEqual(bad.exception.status, 400)
        self.assertIn("cmd", bad.exception.errors)


class FirmwareAndOtaTests(unittest.TestCase):
    def test_upload_list_get_push_jobs_and_delete(self) -> None:
        org_id, ec, _ = new_org()
        product = unique("EC-PYFW")
        serial = unique("PY-OTA")
        ec.devices.register(serial_no=serial, product_type=product, fw_version="1.0.0")
        blob = os.urandom(4096)
        with tempfile.NamedTemporaryFile(suffix=".bin", delete=False) as f:
            f.write(blob)
        try:
            release = ec.firmware.upload(org_id, f.name, version="1.1.0", product_type=product, notes="py sdk")
        finally:
            os.unlink(f.name)
        self.assertEqual((release["size"], release["sha256"]), (4096, hashlib.sha256(blob).hexdigest()))
        second = ec.firmware.upload(org_id, os.urandom(100), version="1.2.0", product_type=product)
        with self.assertRaises(EdgeConductorError) as dup:
            ec.firmware.upload(org_id, b"x", version="1.2.0", product_type=product)
        self.assertEqual(dup.exception.status, 409)
        self.assertEqual({r["id"] for r in ec.firmware.list(org_id=org_id, product_type=product)},
                         {release["id"], second["id"]})
        self.assertEqual(ec.firmware.get(release["id"])["version"], "1.1.0")

        pushed = ec.firmware.push(serial, release["id"])
        self.assertTrue(pushed["ok"])
        job = ec.ota_jobs.get(pushed["job_number"], devices=True)
        self.assertEqual(job["id"], pushed["job_id"])
        self.assertEqual([d["serial"] for d in job["devices"]], [serial])

        fleet = ec.ota_jobs.create(org_id, second["id"], product_type=product, rollout={"batch_size": 1})
        self.assertEqual(fleet["firmware_id"], second["id"])
        self.assertIn(fleet["id"], [j["id"] for j in ec.ota_jobs.list(org_id)])
        self.assertIn(fleet["id"], [j["id"] for j in ec.ota_jobs.list()])
        try:
            paused = ec.ota_jobs.pause(fleet["id"])
            self.assertEqual(paused["status"], "paused")
            self.assertNotEqual(ec.ota_jobs.resume(fleet["number"], org_id=org_id)["status"], "paused")
        except EdgeConductorError as e:  # the job may already be finished releasing: 409 is the documented answer
            self.assertEqual(e.status, 409)
        canceled = ec.ota_jobs.cancel(fleet["id"])
        self.assertEqual(canceled["id"], fleet["id"])
        with self.assertRaises(EdgeConductorError) as unknown:
            ec.firmware.push(serial, "01a20146-0000-7000-8000-000000000000")
        self.assertEqual(unknown.exception.status, 404)
        other = ec.firmware.upload(org_id, b"\x00" * 10, version="0.0.1", product_type=unique("EC-UNUSED"))
        ec.firmware.delete(other["id"])
        with self.assertRaises(EdgeConductorError) as gone:
            ec.firmware.get(other["id"])
        self.assertEqual(gone.exception.status, 404)


if __name__ == "__main__":
    unittest.main()
