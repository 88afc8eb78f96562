"""PDF post-processing: the WeasyPrint finisher that edits the pydyf document before it is written.

It turns the stamp pages (the text certificates share, see ``data.Plan``) into form XObjects, adds
the ornament forms (``ornaments``), has every certificate page draw them behind its own content and
its QR code over it, and adds an outline.  This reads and rewrites pydyf's (0.13) and WeasyPrint's
(70) internal layout of the document: ``pdf.pages["Kids"]`` as flat ``number, 0, "R"`` triples,
``pdf.objects`` indexed by object number, references as ``b"N 0 R"``, ``Stream.stream``/``.extra``,
one resource dictionary shared by all pages.  Hence pydyf is pinned exactly in the Pipfile, and
``tests/certificates/render/test_library_contracts.py`` checks those structures.
"""

from __future__ import annotations

from collections.abc import Sequence

import pydyf

from awards.certificates.render.data import GOLD, Plan
from awards.certificates.render.ornaments import CORNER, PAGE_H_MM, PAGE_W_MM, PT_PER_MM, decor_streams
from awards.certificates.render.qr import qr_ops

__all__ = ["decorate"]


def _add_decor_forms(pdf: pydyf.PDF) -> dict[str, bytes]:
    """Add the decoration forms to a pydyf PDF; return name -> object reference."""
    streams = decor_streams()
    k = PT_PER_MM
    page_matrix = pydyf.Array((k, 0, 0, -k, 0, PAGE_H_MM * k))
    refs: dict[str, bytes] = {}

    def add(name: str, bbox: tuple[float, ...], matrix, resources=None) -> None:
        extra = {
            "Type": "/XObject",
            "Subtype": "/Form",
            "BBox": pydyf.Array(bbox),
            "Matrix": matrix,
            "Filter": "/FlateDecode",
        }
        if resources is not None:
            extra["Resources"] = resources
        form = pydyf.Stream([streams[name]], pydyf.Dictionary(extra), compress=False)
        pdf.add_object(form)
        refs[name] = form.reference

    h = CORNER / 2
    add("TandisCorner", (-h, -h, h, h), pydyf.Array((1, 0, 0, 1, 0, 0)))
    full = (0, 0, PAGE_W_MM, PAGE_H_MM)
    corner_resources = pydyf.Dictionary({"XObject": pydyf.Dictionary({"TandisCorner": refs["TandisCorner"]})})
    add("TandisFrame", full, page_matrix, corner_resources)
    add("TandisSealGold", full, page_matrix)
    add("TandisSealCertificate", full, page_matrix)
    return refs


def decorate(pdf: pydyf.PDF, plan: Plan, qr_boxes: Sequence[tuple[float, float, float]]) -> None:
    """WeasyPrint finisher: turn the stamp pages into forms, then finish each certificate page.

    The first ``plan.stamp_count`` pages hold the shared text (see ``Plan``).  Each becomes a
    form XObject (its content stream is kept as is, with a bounding box and resources added) and
    leaves the page tree.  Every certificate page then draws, behind its own content, the frame,
    its tier seal and its stamp, and over it the QR code (``qr_ops``).
    """
    refs = _add_decor_forms(pdf)
    numbers = pdf.pages["Kids"][::3]
    if len(numbers) != plan.stamp_count + len(plan.tiers) or len(qr_boxes) != len(plan.tiers):
        raise ValueError("page count does not match the certificates")
    # WeasyPrint shares one resource dictionary between pages; "Tandis*" names cannot clash with
    # its own (which are short generated ids).
    resources = pdf.objects[int(pdf.objects[numbers[0]]["Resources"].split()[0])]
    # The stamps' resources: fonts, images (signatures), colour spaces... but not the forms, so
    # that no form can name itself.
    stamp_resources = pydyf.Dictionary({**resources, "XObject": pydyf.Dictionary(resources["XObject"])})
    pdf.add_object(stamp_resources)
    stamp_names = []
    for index, number in enumerate(numbers[: plan.stamp_count]):
        page = pdf.objects[number]
        if "Annots" in page:
            raise RuntimeError("a stamp page must not carry links")
        form = pdf.objects[int(page["Contents"].split()[0])]
        form.extra.update(
            {"Type": "/XObject", "Subtype": "/Form", "BBox": page["MediaBox"], "Resources": stamp_resources.reference}
        )
        # No longer a page.  Its object number stays taken (pydyf 0.13 miscounts free objects in
        # compressed object streams), so it is left as an empty, unreferenced dictionary.
        page.clear()
        name = f"TandisStamp{index}"
        refs[name] = form.reference
        stamp_names.append(name)
    for name, ref in refs.items():
        resources["XObject"][name] = ref
    pdf.pages["Kids"] = pydyf.Array(pdf.pages["Kids"][3 * plan.stamp_count :])
    pdf.pages["Count"] = len(plan.tiers)
    for number, tier, stamp, url, box in zip(
        numbers[plan.stamp_count :], plan.tiers, plan.stamps, plan.verify_urls, qr_boxes, strict=True
    ):
        page = pdf.objects[number]
        seal = "TandisSealGold" if tier == GOLD else "TandisSealCertificate"
        content = pdf.objects[int(page["Contents"].split()[0])]
        page_height = float(page["MediaBox"][3])
        content.stream[:] = [
            f"q /TandisFrame Do /{seal} Do /{stamp_names[stamp]} Do Q q".encode("ascii"),
            *content.stream,
            b"Q",
            qr_ops(url, box, page_height=page_height),
        ]
    _add_outline(pdf, numbers[plan.stamp_count :], plan.recipients)


def _add_outline(pdf: pydyf.PDF, page_numbers: Sequence[int], titles: Sequence[str]) -> None:
    """A flat outline (bookmarks): one entry per certificate, named by its recipient, so that an
    organizer can find one page in a long print file.  (WeasyPrint 70 does not collect bookmarks
    inside absolutely positioned boxes, where all certificate text is.)"""
    root = pydyf.Dictionary({"Type": "/Outlines", "Count": len(titles)})
    pdf.add_object(root)
    entries = []
    for number, title in zip(page_numbers, titles, strict=True):
        page = pdf.objects[number]
        entry = pydyf.Dictionary(
            {
                "Title": pydyf.String(title),
                "Parent": root.reference,
                "Dest": pydyf.Array((page.reference, "/XYZ", 0, page["MediaBox"][3], 0)),
            }
        )
        pdf.add_object(entry)
        if entries:
            entry["Prev"] = entries[-1].reference
            entries[-1]["Next"] = entry.reference
        entries.append(entry)
    root["First"], root["Last"] = entries[0].reference, entries[-1].reference
    pdf.catalog["Outlines"] = root.reference
