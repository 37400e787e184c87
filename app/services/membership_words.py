"""The words of a membership-covered visit's invoice line (R43 with R14, R16), apart so that
line_words can read such a line back in the desk's language without importing the schedule."""

from __future__ import annotations

from ..i18n import N_

#: The invoice line of a covered visit (kind "patient_pays", as a package's, R14), with and
#: without a limit on the period's uses.
COVERED = N_("{treatment} ({when}), covered by Membership: {plan} (use {use} of {total} "
             "this period)")
COVERED_NO_SHOW = N_("No show: {treatment} ({when}), covered by Membership: {plan} (use "
                     "{use} of {total} this period)")
COVERED_UNLIMITED = N_("{treatment} ({when}), covered by Membership: {plan} (use {use} this "
                       "period)")
COVERED_UNLIMITED_NO_SHOW = N_("No show: {treatment} ({when}), covered by Membership: {plan} "
                               "(use {use} this period)")
LINE_MESSAGES = (COVERED_NO_SHOW, COVERED_UNLIMITED_NO_SHOW, COVERED, COVERED_UNLIMITED)
