"""Leads, complaints, referrals, assistance letters, criminal referrals and evidence (issues: referral, complaints)."""
