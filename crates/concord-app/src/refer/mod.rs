//! Refer: the service directory to the Open Referral UK standard ([`directory`]): VCSE partners'
//! services and councils' feeds, imported and exported as HSDS, found by anyone signed in and
//! served to anyone through the Open Referral API.

pub mod directory;
