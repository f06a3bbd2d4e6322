"""edgeconductor.paginate over real pages of the server."""
from __future__ import annotations

import unittest

from _support import new_org, unique

from edgeconductor import paginate


class PaginationTests(unittest.TestCase):
    def test_every_device_once_in_order_across_pages(self) -> None:
        org_id, ec, _ = new_org()
        prefix = unique("PY-PG")
        serials = [f"{prefix}-{i:02d}" for i in range(7)]
        for s in serials:
            ec.devices.register(serial_no=s, product_type="EC-CLIMATE-V1")
        pages = []
        real_list = ec.devices.list

        def counting_list(**kwargs: object) -> list:  # type: ignore[type-arg]
            page = real_list(**kwargs)  # type: ignore[arg-type]
            pages.append(len(page))
            return page
        got = [d["serial_no"] for d in paginate(counting_list, org_id=org_id, page_size=3)]
        self.assertEqual(got, serials)
        self.assertEqual(pages, [3, 3, 1])

    def test_an_exact_multiple_ends_with_an_empty_page_and_offset_is_respected(self) -> None:
        org_id, ec, _ = new_org()
        prefix = unique("PY-PG2")
        serials = [f"{prefix}-{i}" for i in range(4)]
        for s in serials:
            ec.devices.register(serial_no=s, product_type="EC-CLIMATE-V1")
        self.assertEqual([d["serial_no"] for d in paginate(ec.devices.list, org_id=org_id, page_size=2)], serials)
        self.assertEqual([d["serial_no"] for d in paginate(ec.devices.list, org_id=org_id, page_size=2, offset=1)],
                         serials[1:])
        events = list(paginate(ec.audit.list, org_id, page_size=2, action="device_registered"))
        self.assertEqual([e["target_id"] for e in events], list(reversed(serials)))
        with self.assertRaises(ValueError):
            next(paginate(ec.devices.list, page_size=0))


if __name__ == "__main__":
    unittest.main()
